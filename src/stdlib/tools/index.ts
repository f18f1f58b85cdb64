// Installs the tools, skills and MCP builtins on a VM (spec: "Tool
// registry", "Skills", "MCP") and, once the entry file is known, the
// `skills` global discovered for it. The logic lives in llm/tools,
// llm/skills and llm/mcp; files, processes and signatures arrive through
// the host interfaces passed here, never through node:* imports.

import type { McpHost } from "../../llm/mcp/host.ts";
import { McpServerHandler } from "../../llm/mcp/server.ts";
import type { McpClient } from "../../llm/mcp/client.ts";
import { type McpServerSpec, mcpRegistryOf } from "../../llm/mcp/registry.ts";
import { mcpServeStateOf } from "../../llm/mcp/serve.ts";
import { TaskContext } from "../../runtime/task-context.ts";
import type { VmError } from "../../vm/errors.ts";
import type { Closure, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { CryptoProvider } from "../data/crypto-api.ts";
import type { SystemHost } from "../system/host.ts";
import { installManifestHooks } from "./manifest-hooks.ts";
import { connectMcpServer, registerMcpClientBuiltins } from "./mcp-builtins.ts";
import { registerMcpServeBuiltins } from "./mcp-serve-builtins.ts";
import { readProjectManifest } from "./project-manifest.ts";
import { connectProjectMcpServers } from "./project-mcp.ts";
import { installProjectSkills as install } from "./project-skills.ts";
import { registerSkillBuiltins } from "./skill-builtins.ts";
import { registerToolBuiltins } from "./tool-builtins.ts";

export interface ToolsHosts {
  /** Files (skill discovery, server cards) and environment. */
  readonly system: SystemHost;
  /** Ed25519 verification of signed skills. */
  readonly crypto: Pick<CryptoProvider, "ed25519Verify">;
  /** Starting MCP servers. */
  readonly mcp: McpHost;
}

const hostsByVm = new WeakMap<Vm, ToolsHosts>();

export function registerTools(vm: Vm, hosts: ToolsHosts): void {
  hostsByVm.set(vm, hosts);
  registerToolBuiltins(vm);
  registerSkillBuiltins(vm, (name) => hosts.system.env(name));
  registerMcpClientBuiltins(vm, hosts.mcp, (path) => hosts.system.readText(path));
  registerMcpServeBuiltins(vm);
}

/**
 * Discovers the skills visible to the program at `sourceFile` and sets the
 * `skills` global (call after registerTools, before running). Without it
 * `skills` stays an empty registry.
 */
export function installProjectSkills(vm: Vm, sourceFile: string): void {
  install(vm, hostsOf(vm, "installProjectSkills"), sourceFile);
}

/**
 * Installs the runtime hooks of the project's harn.toml (`[[hooks]]`) for
 * the program at `sourceFile`: call after registerTools and before the
 * program runs, and await it (loading a handler module runs its top
 * level). Resolves to the error that should fail the run, or null.
 */
export function installProjectHooks(vm: Vm, sourceFile: string): Promise<VmError | null> {
  const hosts = hostsOf(vm, "installProjectHooks");
  const manifest = readProjectManifest(hosts.system, sourceFile);
  return manifest === null ? Promise.resolve(null) : installManifestHooks(vm, hosts.system, manifest);
}

/**
 * Registers the MCP servers of the project's harn.toml and starts the
 * non-lazy ones, setting the `mcp` global (what `harn run` does before a
 * program starts; the conformance runner does not).
 */
export function connectProjectMcp(vm: Vm, sourceFile: string): Promise<void> {
  const hosts = hostsOf(vm, "connectProjectMcp");
  return connectProjectMcpServers(vm, hosts.system, hosts.mcp, sourceFile);
}

function hostsOf(vm: Vm, caller: string): ToolsHosts {
  const hosts = hostsByVm.get(vm);
  if (hosts === undefined) throw new Error(`${caller}: call registerTools on this VM first`);
  return hosts;
}

/**
 * An MCP server answering from what the program declared (`mcp_tools`,
 * `mcp_resource`, `mcp_prompt`, ...), after it has run: feed it one parsed
 * JSON-RPC message at a time (`await server.handle(msg)`, null for
 * notifications). Handlers run as fresh top-level tasks on `vm`.
 */
export function mcpServerFor(vm: Vm, info = { name: "harn", version: "0.7.50" }): McpServerHandler {
  const call = async (fn: Closure, args: Value[]): Promise<Value> => {
    const result = await vm.runTask(vm.createTask(fn, args, new TaskContext(), "mcp", null));
    if (result.error) throw result.error;
    return result.value;
  };
  return new McpServerHandler(mcpServeStateOf(vm), call, info);
}

/** Connects an MCP server spec (stdio or http) through this VM's MCP host (agent loops' `mcp_servers`). */
export function mcpConnector(vm: Vm): (spec: McpServerSpec) => Promise<McpClient> {
  const hosts = hostsOf(vm, "mcpConnector");
  return (spec) => connectMcpServer(hosts.mcp, spec);
}

/** MCP binding for skills' `requires_mcp` (SkillSession hooks): lazy servers start on first bind. */
export function skillMcpBinder(vm: Vm): {
  bind(server: string): Promise<void>;
  release(server: string): void;
  isRegistered(server: string): boolean;
} {
  const hosts = hostsOf(vm, "skillMcpBinder");
  const registry = mcpRegistryOf(vm);
  return {
    bind: async (server) => {
      await registry.ensureActive(server, (spec) => connectMcpServer(hosts.mcp, spec));
    },
    release: (server) => registry.release(server, Date.now()),
    isRegistered: (server) => registry.registration(server) !== undefined,
  };
}
