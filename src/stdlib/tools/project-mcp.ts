// MCP servers declared in the project's harn.toml (`[[mcp]]` tables:
// name, command, args, env, lazy, card, keep_alive_ms). Every server is
// registered for `mcp_ensure_active` / `mcp_server_card`; non-lazy ones
// are started before the program runs and exposed as the `mcp` global
// (`mcp.<name>` is the client). Stdio servers are started as processes;
// HTTP servers (`transport = "http"`, `url`, `auth_token`) are reached by URL.

import type { McpHost } from "../../llm/mcp/host.ts";
import { type McpServerSpec, mcpRegistryOf, type RegisteredMcpServer } from "../../llm/mcp/registry.ts";
import { display } from "../../vm/display.ts";
import { VmError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { connectMcpServer, mcpClientHandle } from "./mcp-builtins.ts";
import { projectRootOf, readManifestAt } from "./project-manifest.ts";

function declaredServers(system: SystemHost, root: string): RegisteredMcpServer[] {
  const manifest = readManifestAt(system, root);
  if (manifest === null) return [];
  const doc = manifest.doc;
  const tables = Array.isArray(doc.mcp) ? doc.mcp : [];
  const out: RegisteredMcpServer[] = [];
  for (const t of tables) {
    if (typeof t !== "object" || t === null) continue;
    const s = t as Record<string, unknown>;
    if (typeof s.name !== "string" || s.name === "") continue;
    const env = new Map<string, string>();
    if (typeof s.env === "object" && s.env !== null) {
      for (const [k, v] of Object.entries(s.env)) if (typeof v === "string") env.set(k, v);
    }
    const spec: McpServerSpec = {
      name: s.name,
      transport: typeof s.transport === "string" ? s.transport : "stdio",
      command: typeof s.command === "string" ? s.command : "",
      args: Array.isArray(s.args) ? s.args.map(String) : [],
      env,
      ...(typeof s.url === "string" && { url: s.url }),
      ...(typeof s.auth_token === "string" && { authToken: s.auth_token }),
      ...(typeof s.protocol_version === "string" && { protocolVersion: s.protocol_version }),
    };
    const keep = s.keep_alive_ms ?? s["keep-alive-ms"] ?? s.keep_alive;
    out.push({
      name: s.name,
      spec,
      lazy: s.lazy === true,
      card: typeof s.card === "string" ? s.card : null,
      keepAliveMs: typeof keep === "number" || typeof keep === "bigint" ? Number(keep) : 0,
    });
  }
  return out;
}

/**
 * Registers the project's MCP servers and starts the eager ones (call
 * before running the program at `sourceFile`). Failures to start are
 * warnings: the program can still run without that server.
 */
export async function connectProjectMcpServers(
  vm: Vm,
  system: SystemHost,
  host: McpHost,
  sourceFile: string,
): Promise<void> {
  const root = projectRootOf(system, sourceFile);
  if (root === null) return;
  const servers = declaredServers(system, root);
  const registry = mcpRegistryOf(vm);
  const clients = new Map<string, Value>();
  for (const server of servers) {
    if (server.lazy) {
      vm.writeError(`[harn] mcp: deferred '${server.name}' (lazy, boots on first use)\n`);
      continue;
    }
    try {
      const client = await connectMcpServer(host, server.spec);
      registry.installActive(server.name, client);
      clients.set(server.name, mcpClientHandle(client));
      vm.writeError(`[harn] mcp: connected to '${server.name}'\n`);
    } catch (e) {
      const message = e instanceof VmError ? e.display(display) : e instanceof Error ? e.message : String(e);
      vm.writeError(`warning: mcp: failed to connect to '${server.name}': ${message}\n`);
    }
  }
  registry.register(servers);
  if (clients.size > 0) vm.globals.set("mcp", new Dict(clients));
}
