// MCP client builtins (spec: "MCP client"): mcp_connect starts a server
// over stdio (servers declared with `transport: "http"` are reached by
// URL) and returns an `mcp_client` handle; tools, resources and
// prompts are listed and called through it; mcp_ensure_active /
// mcp_release / mcp_registry_status manage servers declared in harn.toml;
// mcp_server_card reads a Server Card. Protocol failures reach scripts as
// catchable strings (`MCP error (<code>): ...`), transport failures as
// runtime errors.

import { callMcpTool, type LineTransport, McpClient, McpRpcError } from "../../llm/mcp/client.ts";
import { HttpLineTransport } from "../../llm/mcp/http-transport.ts";
import type { McpHost } from "../../llm/mcp/host.ts";
import { type McpServerSpec, mcpRegistryOf } from "../../llm/mcp/registry.ts";
import { type JsonValue, jsonToValue, valueToJson } from "../../llm/json.ts";
import { display } from "../../vm/display.ts";
import { runtimeError, thrown, VmError } from "../../vm/errors.ts";
import { Dict, HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { registerMcpCard } from "./mcp-card.ts";

/** The version Harn reports in `clientInfo`. */
const CLIENT_VERSION = "0.7.50";

export function mcpClientHandle(client: McpClient): HandleValue {
  return new HandleValue("mcp_client", () => `<mcp_client:${client.name}>`, client);
}

/** The client inside an `mcp_client` handle, or null. */
export function mcpClientOf(v: Value | undefined): McpClient | null {
  return v instanceof HandleValue && v.kind === "mcp_client" && v.payload instanceof McpClient
    ? v.payload
    : null;
}

function mcpError(e: unknown): VmError {
  if (e instanceof McpRpcError) return thrown(e.message);
  if (e instanceof VmError) return e;
  return runtimeError(e instanceof Error ? e.message : String(e));
}

async function guarded<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw mcpError(e);
  }
}

/** The line transport to a server: an HTTP endpoint, or a started stdio process. */
async function openTransport(host: McpHost, spec: McpServerSpec): Promise<LineTransport> {
  const kind = spec.transport ?? "stdio";
  if (kind === "http") {
    if (spec.url === undefined || spec.url === "") {
      throw runtimeError(`mcp: server '${spec.name}' uses the http transport but has no \`url\``);
    }
    if (host.http === undefined) {
      throw runtimeError(
        `mcp: server '${spec.name}' uses the http transport, which this host does not offer`,
      );
    }
    return new HttpLineTransport(host.http, {
      url: spec.url,
      authToken: spec.authToken ?? null,
      protocolVersion: spec.protocolVersion ?? null,
      clientVersion: CLIENT_VERSION,
    });
  }
  if (kind !== "stdio") {
    throw runtimeError(`mcp: server '${spec.name}' has unknown transport '${kind}' (expected stdio or http)`);
  }
  try {
    return await host.spawnStdio(spec);
  } catch (e) {
    throw thrown(
      `mcp_connect: failed to spawn '${spec.command}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Opens a stdio or HTTP server and completes the MCP handshake. */
export async function connectMcpServer(host: McpHost, spec: McpServerSpec): Promise<McpClient> {
  const transport = await openTransport(host, spec);
  const client = new McpClient(spec.name, transport, CLIENT_VERSION);
  try {
    await client.initialize();
  } catch (e) {
    client.disconnect();
    throw mcpError(e);
  }
  return client;
}

function requireClient(builtin: string, v: Value | undefined, first: boolean): McpClient {
  const client = mcpClientOf(v);
  if (client === null) {
    throw thrown(`${builtin}: ${first ? "first argument" : "argument"} must be an MCP client`);
  }
  return client;
}

function listOf(result: JsonValue, key: string): Value[] {
  const obj = typeof result === "object" && result !== null && !Array.isArray(result) ? result : {};
  const items = obj[key];
  return Array.isArray(items) ? items.map(jsonToValue) : [];
}

function registerClientBuiltins(vm: Vm, host: McpHost): void {
  const b = vm.registerBuiltin.bind(vm);
  b("mcp_connect", (args) => {
    const command = args[0] === undefined ? "" : display(args[0]);
    if (command === "") throw thrown("mcp_connect: command is required");
    const argv = Array.isArray(args[1]) ? args[1].map((x) => display(x)) : [];
    return connectMcpServer(host, { name: command, command, args: argv, env: new Map() }).then(
      mcpClientHandle,
    );
  });
  b("mcp_list_tools", (args) => {
    const client = requireClient("mcp_list_tools", args[0], false);
    return guarded(async () =>
      // Each tool is tagged with its server so indexes and dispatch can find it again.
      listOf(await client.request("tools/list", {}), "tools").map((t) =>
        t instanceof Dict && !t.map.has("_mcp_server") ? t.with("_mcp_server", client.name) : t,
      ),
    );
  });
  b("mcp_call", (args) => {
    const client = requireClient("mcp_call", args[0], true);
    const name = args[1] === undefined ? "" : display(args[1]);
    if (name === "") throw thrown("mcp_call: tool name is required");
    const params = args[2] instanceof Dict ? valueToJson(args[2]) : {};
    return guarded(async () => jsonToValue(await callMcpTool(client, name, params)));
  });
  b("mcp_server_info", (args) => {
    const client = requireClient("mcp_server_info", args[0], false);
    if (!client.connected) throw runtimeError("MCP client is disconnected");
    return Dict.of({ name: client.name, connected: true });
  });
  b("mcp_disconnect", (args) => {
    requireClient("mcp_disconnect", args[0], false).disconnect();
    return null;
  });
  b("mcp_list_resources", (args) => {
    const client = requireClient("mcp_list_resources", args[0], false);
    return guarded(async () => listOf(await client.request("resources/list", {}), "resources"));
  });
  b("mcp_list_resource_templates", (args) => {
    const client = requireClient("mcp_list_resource_templates", args[0], false);
    return guarded(async () =>
      listOf(await client.request("resources/templates/list", {}), "resourceTemplates"),
    );
  });
  b("mcp_read_resource", (args) => {
    const client = requireClient("mcp_read_resource", args[0], true);
    const uri = args[1] === undefined ? "" : display(args[1]);
    if (uri === "") throw thrown("mcp_read_resource: URI is required");
    return guarded(async () => {
      const contents = listOf(await client.request("resources/read", { uri }), "contents");
      const only = contents[0];
      if (contents.length === 1 && only instanceof Dict && typeof only.get("text") === "string")
        return only.get("text");
      return contents.length === 0 ? null : contents;
    });
  });
  b("mcp_list_prompts", (args) => {
    const client = requireClient("mcp_list_prompts", args[0], false);
    return guarded(async () => listOf(await client.request("prompts/list", {}), "prompts"));
  });
  b("mcp_get_prompt", (args) => {
    const client = requireClient("mcp_get_prompt", args[0], true);
    const name = args[1] === undefined ? "" : display(args[1]);
    if (name === "") throw thrown("mcp_get_prompt: prompt name is required");
    const params: JsonValue = args[2] instanceof Dict ? { name, arguments: valueToJson(args[2]) } : { name };
    return guarded(async () => jsonToValue(await client.request("prompts/get", params)));
  });
}

function registerRegistryBuiltins(vm: Vm, host: McpHost): void {
  const registry = mcpRegistryOf(vm);
  const nameArg = (builtin: string, v: Value | undefined): string => {
    const name = v === undefined || v === null ? "" : display(v);
    if (name === "") throw thrown(`${builtin}: server name is required`);
    return name;
  };
  vm.registerBuiltin("mcp_ensure_active", (args) => {
    const name = nameArg("mcp_ensure_active", args[0]);
    return registry
      .ensureActive(name, (spec) => connectMcpServer(host, spec))
      .then(mcpClientHandle, (e) => {
        throw e instanceof VmError || !(e instanceof Error) ? e : runtimeError(e.message);
      });
  });
  vm.registerBuiltin("mcp_release", (args) => {
    if (args[0] === undefined) throw thrown("mcp_release: server name is required");
    registry.release(display(args[0]), Date.now());
    return null;
  });
  vm.registerBuiltin("mcp_registry_status", () =>
    registry.status().map((s) => {
      const m = new Map<string, Value>([
        ["name", s.name],
        ["lazy", s.lazy],
        ["active", s.active],
        ["ref_count", s.refCount],
      ]);
      if (s.card !== null) m.set("card", s.card);
      return new Dict(m);
    }),
  );
}

export function registerMcpClientBuiltins(vm: Vm, host: McpHost, readText: (path: string) => string): void {
  registerClientBuiltins(vm, host);
  registerRegistryBuiltins(vm, host);
  registerMcpCard(vm, readText);
}
