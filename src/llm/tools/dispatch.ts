// How a registry tool runs, for callers outside the tool builtins (the
// agent loop, embedders): `toolBackend` names the backend of an entry —
// its Harn handler, an MCP server's client, the host bridge, or the
// provider — and `invokeTool` runs a named tool with a dict of arguments,
// given a way to call Harn values. Refusals come back as `tool_rejected`
// errors, whose text the agent loop shows the model.

import { display } from "../../vm/display.ts";
import { BuiltinRef, Closure, type Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type JsonValue, jsonToValue } from "../json.ts";
import { callMcpTool, type McpClient } from "../mcp/client.ts";
import { mcpRegistryOf } from "../mcp/registry.ts";
import { toolRejected } from "./policy.ts";
import { findTool, toolExecutor } from "./registry.ts";

export type ToolBackend =
  | { readonly kind: "harn"; readonly handler: Closure | BuiltinRef }
  | {
      readonly kind: "mcp_server";
      readonly server: string;
      readonly client: McpClient | null;
      readonly toolName: string;
    }
  | { readonly kind: "host_bridge"; readonly capability: string }
  | { readonly kind: "provider_native" }
  | { readonly kind: "unavailable"; readonly reason: string };

function text(entry: Dict, key: string): string | null {
  const v = entry.map.get(key);
  return typeof v === "string" && v !== "" ? v : null;
}

/**
 * The backend that runs `entry` (declared executor first; `_mcp_server`
 * tags from mcp_list_tools count as MCP). An MCP tool uses the caller's own
 * client for its server when `clients` has one (an agent loop's
 * `mcp_servers`), else the VM registry's live client.
 */
export function toolBackend(vm: Vm, entry: Dict, clients?: ReadonlyMap<string, McpClient>): ToolBackend {
  const name = display(entry.get("name"));
  const executor = toolExecutor(entry);
  const handler = entry.map.get("handler");
  if (executor === "provider_native") return { kind: "provider_native" };
  if (executor === "host_bridge")
    return { kind: "host_bridge", capability: text(entry, "host_capability") ?? name };
  const server = text(entry, "mcp_server") ?? text(entry, "_mcp_server");
  if (executor === "mcp_server" || (server !== null && !(handler instanceof Closure))) {
    const serverName = server ?? "mcp";
    return {
      kind: "mcp_server",
      server: serverName,
      client: clients?.get(serverName) ?? mcpRegistryOf(vm).activeClient(serverName),
      toolName: text(entry, "mcp_tool") ?? text(entry, "_mcp_tool_name") ?? name,
    };
  }
  if (handler instanceof Closure || handler instanceof BuiltinRef) return { kind: "harn", handler };
  return {
    kind: "unavailable",
    reason: `Tool '${name}' is not available in the current environment. Use only the tools listed in the tool-calling contract.`,
  };
}

/** Calls a Harn value (a closure or builtin) and resolves with its result. */
export type CallValue = (callee: Value, args: Value[]) => Promise<Value>;

/**
 * Runs tool `name` of `registry` with `args` (a dict): a Harn handler gets
 * the arguments dict, an MCP tool goes to its server's live client.
 * Host-bridge and provider-native tools cannot run here and are refused.
 */
export async function invokeTool(
  vm: Vm,
  registry: Value,
  name: string,
  args: JsonValue,
  callValue: CallValue,
  clients?: ReadonlyMap<string, McpClient>,
): Promise<Value> {
  const entry = findTool(registry, name);
  if (entry === null) throw toolRejected(`Tool '${name}' is not available in the current environment.`);
  const backend = toolBackend(vm, entry, clients);
  switch (backend.kind) {
    case "harn":
      return callValue(backend.handler, [jsonToValue(args)]);
    case "mcp_server":
      if (backend.client === null) {
        throw toolRejected(
          `tool '${name}' (mcp_server: "${backend.server}") cannot be dispatched: no direct MCP client, bridge, or Harn handler`,
        );
      }
      return jsonToValue(await callMcpTool(backend.client, backend.toolName, args ?? {}));
    case "host_bridge":
      throw toolRejected(
        `tool '${name}' is declared executor: "host_bridge" but no host bridge is connected to this environment`,
      );
    case "provider_native":
      throw toolRejected(
        `tool '${name}' is declared executor: "provider_native" — the runtime does not dispatch these locally; the provider must have already executed the call`,
      );
    case "unavailable":
      throw toolRejected(backend.reason);
  }
}
