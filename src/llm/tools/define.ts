// `tool_define(registry, name, description, config)`: validation and the
// entry it stores. Every tool declares exactly one execution backend
// (`executor`): "harn" (a handler closure run in the VM), "host_bridge"
// (dispatched by the host shell, bound to a `host_capability`),
// "mcp_server" (served by a named MCP server) or "provider_native"
// (executed by the model provider itself). A handlerless tool without an
// executor is rejected here, where the mistake is made, instead of at the
// first model call. Messages follow the reference text scripts match on.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { requireToolRegistry, withTools } from "./registry.ts";

/** Tools the runtime serves itself, so `executor: "harn"` needs no handler for them. */
export const RUNTIME_SERVED_TOOLS: ReadonlySet<string> = new Set([
  "read_file",
  "list_directory",
  "emit_plan",
  "update_plan",
]);

export const TOOL_EXECUTORS = ["harn", "host_bridge", "mcp_server", "provider_native"] as const;
export type ToolExecutor = (typeof TOOL_EXECUTORS)[number];

/** Config keys with a dedicated place on the entry; every other key is copied verbatim. */
const STRUCTURAL_KEYS = new Set(["handler", "parameters", "returns", "annotations", "executor"]);

/** A Rust-debug style quoted string, as the reference's messages print names. */
export function quoted(s: string): string {
  return JSON.stringify(s);
}

function fail(message: string): never {
  throw thrown(`tool_define: ${message}`);
}

function present(v: Value | undefined): boolean {
  return v !== undefined && v !== null;
}

function resolveExecutor(name: string, config: Dict, hasHandler: boolean): ToolExecutor {
  const raw = config.map.get("executor");
  if (raw === undefined || raw === null) {
    if (hasHandler) return "harn";
    fail(
      `tool ${quoted(name)} has no \`handler\` and no \`executor\`. Either attach a \`handler\` fn (executor: "harn") or declare an alternate backend, e.g. executor: "host_bridge" + host_capability: "cap.op", executor: "mcp_server" + mcp_server: "server-name", executor: "provider_native". Defining a handlerless tool would surface as \`[builtin_call] unhandled: ${name}\` at the first model call.`,
    );
  }
  if (typeof raw !== "string") {
    fail('`executor` must be a string ("harn", "host_bridge", "mcp_server", or "provider_native")');
  }
  if (raw === "harn_builtin") return "harn";
  if ((TOOL_EXECUTORS as readonly string[]).includes(raw)) return raw as ToolExecutor;
  return fail(
    `unknown executor ${quoted(raw)} for tool ${quoted(name)}. Expected one of: "harn", "host_bridge", "mcp_server", "provider_native"`,
  );
}

/** The per-executor invariants (which companion fields are required or forbidden). */
function checkExecutor(name: string, executor: ToolExecutor, config: Dict, hasHandler: boolean): void {
  const q = quoted(name);
  const nonEmpty = (key: string): boolean => {
    const v = config.map.get(key);
    return typeof v === "string" && v !== "";
  };
  switch (executor) {
    case "harn":
      if (!hasHandler && !RUNTIME_SERVED_TOOLS.has(name)) {
        fail(
          `tool ${q} declares executor: "harn" but has no \`handler\`. Attach the handler fn or change the executor.`,
        );
      }
      if (present(config.map.get("host_capability"))) {
        fail(
          `tool ${q} declares executor: "harn" but also sets \`host_capability\`. Drop one — the harn executor runs the handler in-VM and never reaches the host bridge.`,
        );
      }
      if (present(config.map.get("mcp_server"))) {
        fail(
          `tool ${q} declares executor: "harn" but also sets \`mcp_server\`. Drop one — MCP-served tools must declare executor: "mcp_server".`,
        );
      }
      return;
    case "host_bridge":
      if (hasHandler) {
        fail(
          `tool ${q} declares executor: "host_bridge" but also has a \`handler\`. Drop the handler — host-bridge tools are dispatched by the host shell, not the VM.`,
        );
      }
      if (!nonEmpty("host_capability")) {
        fail(
          `tool ${q} declares executor: "host_bridge" but is missing \`host_capability\`. Set it to the canonical bridge identifier (e.g. "interaction.ask") so \`harn check\` can validate the binding against the host capability manifest.`,
        );
      }
      return;
    case "mcp_server":
      if (hasHandler) {
        fail(
          `tool ${q} declares executor: "mcp_server" but also has a \`handler\`. Drop the handler — MCP-served tools route through the MCP transport.`,
        );
      }
      if (!nonEmpty("mcp_server")) {
        fail(
          `tool ${q} declares executor: "mcp_server" but is missing \`mcp_server\` (the configured server name).`,
        );
      }
      return;
    case "provider_native":
      if (hasHandler) {
        fail(
          `tool ${q} declares executor: "provider_native" but also has a \`handler\`. Provider-side tools are executed by the model server; the runtime never dispatches them locally.`,
        );
      }
      return;
  }
}

/** Typos in the progressive-disclosure fields must not silently fall back to defaults. */
function checkDisclosureFields(config: Dict): void {
  const defer = config.map.get("defer_loading");
  if (defer !== undefined && typeof defer !== "boolean") {
    fail(
      "`defer_loading` must be a bool (true → hold schema back until a tool_search call surfaces it; false or absent → ship eagerly)",
    );
  }
  const namespace = config.map.get("namespace");
  if (namespace !== undefined && namespace !== null && !(typeof namespace === "string" && namespace !== "")) {
    fail(
      "`namespace` must be a non-empty string (groups deferred tools for OpenAI tool_search; Anthropic ignores it)",
    );
  }
}

/** The registry entry for a validated config. */
function buildEntry(name: string, description: string, executor: ToolExecutor, config: Dict): Dict {
  const m = new Map<string, Value>();
  m.set("name", name);
  m.set("description", description);
  m.set("handler", config.get("handler"));
  m.set("parameters", config.map.get("parameters") ?? new Dict());
  m.set("executor", executor);
  const returns = config.get("returns");
  if (returns !== null) m.set("outputSchema", returns);
  const annotations = config.map.get("annotations");
  if (annotations !== undefined) m.set("annotations", annotations);
  for (const [key, value] of config.map) if (!STRUCTURAL_KEYS.has(key)) m.set(key, value);
  return new Dict(m);
}

/** `tool_define(registry, name, description, config)`: the registry with the tool added or replaced. */
export function defineTool(args: readonly Value[]): Dict {
  if (args.length < 4) fail("requires registry, name, description, and config dict");
  const registry = requireToolRegistry("tool_define", args[0], "first argument must be a tool registry");
  const name = display(args[1]!);
  const description = display(args[2]!);
  const config = args[3];
  if (!(config instanceof Dict)) fail("config must be a dict with parameters and handler");
  if (config.map.has("params") && !config.map.has("parameters")) fail("use 'parameters', not 'params'");
  const hasHandler = present(config.map.get("handler"));
  const executor = resolveExecutor(name, config, hasHandler);
  checkExecutor(name, executor, config, hasHandler);
  checkDisclosureFields(config);
  const entry = buildEntry(name, description, executor, config);
  // Redefining a name replaces the old entry; the new one goes last.
  const current = registry.get("tools");
  const kept = (Array.isArray(current) ? current : []).filter(
    (t) => !(t instanceof Dict && t.map.has("name") && display(t.get("name")) === name),
  );
  return withTools(registry, [...kept, entry]);
}
