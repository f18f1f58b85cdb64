// `agent_loop(..., {mcp_servers: [...]})` (spec: "agent_loop options"):
// MCP servers the loop connects for itself. Before the first turn each
// server is started (stdio) or reached (http), its `tools/list` becomes
// registry entries named `<server>__<tool>` (so two servers may offer the
// same tool), merged after the loop's own `tools`; calls to them go to that
// loop's client, and the clients are closed when the loop ends. Servers
// declared in harn.toml are a different mechanism (the VM-wide registry).

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { isJsonObject, type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../json.ts";
import type { McpClient } from "../mcp/client.ts";
import type { McpServerSpec } from "../mcp/registry.ts";

const fail = (message: string): never => {
  throw runtimeError(message);
};

function stringMap(v: JsonValue | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") out.set(k, x);
  return out;
}

/** One `mcp_servers` entry as a server spec; `command` may be a string or an argv list. */
function serverSpec(item: Value): McpServerSpec {
  const j = valueToJson(item);
  if (!isJsonObject(j)) return fail("agent_loop: each `mcp_servers` entry must be a dict");
  let command = "";
  let args = Array.isArray(j.args) ? j.args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))) : [];
  if (Array.isArray(j.command)) {
    const [head, ...rest] = j.command;
    if (typeof head !== "string")
      fail("agent_loop: stdio MCP `command` arrays must start with a command string");
    if (rest.some((a) => typeof a !== "string"))
      fail("agent_loop: stdio MCP `command` array args must be strings");
    command = head as string;
    if (!Array.isArray(j.args)) args = rest as string[];
  } else if (typeof j.command === "string") command = j.command;
  else if (j.command !== undefined && j.command !== null) {
    fail("agent_loop: MCP `command` must be a string or a string array");
  }
  const name = typeof j.name === "string" ? j.name.trim() : "";
  if (name === "") fail("agent_loop: every `mcp_servers` entry requires a non-empty `name`");
  return {
    name,
    transport: typeof j.transport === "string" ? j.transport : "stdio",
    command,
    args,
    env: stringMap(j.env),
    ...(typeof j.url === "string" && { url: j.url }),
    ...(typeof j.auth_token === "string" && { authToken: j.auth_token }),
    ...(typeof j.protocol_version === "string" && { protocolVersion: j.protocol_version }),
  };
}

/** Parses the `mcp_servers` option (absent or nil: none). */
export function parseMcpServers(v: Value | undefined): McpServerSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail("agent_loop: `mcp_servers` must be a list of server config dicts");
  const seen = new Set<string>();
  return v.map((item) => {
    const spec = serverSpec(item);
    if (seen.has(spec.name))
      fail(`agent_loop: duplicate MCP server name \`${spec.name}\` in \`mcp_servers\``);
    seen.add(spec.name);
    return spec;
  });
}

/** Harn tool parameters from a JSON Schema: each property, marked required or not. */
function parametersOf(schema: JsonObject): Dict {
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [],
  );
  const out = new Map<string, Value>();
  const props = isJsonObject(schema.properties) ? schema.properties : {};
  for (const [name, prop] of Object.entries(props)) {
    const param = jsonToValue(prop);
    out.set(name, param instanceof Dict ? param.with("required", required.has(name)) : param);
  }
  return new Dict(out);
}

/** The registry entry for one listed tool of `server`. */
function toolEntry(server: string, tool: JsonValue): Dict {
  const t = isJsonObject(tool) ? tool : {};
  const original = typeof t.name === "string" ? t.name.trim() : "";
  if (original === "") fail(`agent_loop: MCP server \`${server}\` returned a tool without a name`);
  const rawSchema = t.inputSchema ?? t.input_schema;
  const schema: JsonObject = isJsonObject(rawSchema) ? rawSchema : { type: "object", properties: {} };
  const required = Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [];
  const m = new Map<string, Value>([
    ["name", `${server}__${original}`],
    ["description", typeof t.description === "string" ? t.description : ""],
    ["parameters", parametersOf(schema)],
    // What a remote tool does is unknown; it is at least a network call.
    ["annotations", jsonToValue({ kind: "fetch", side_effect_level: "network", arg_schema: { required } })],
    ["executor", "mcp_server"],
    ["mcp_server", server],
    ["_mcp_server", server],
    ["_mcp_tool_name", original],
  ]);
  const output = t.outputSchema ?? t.output_schema;
  if (output !== undefined) m.set("outputSchema", jsonToValue(output));
  return new Dict(m);
}

function entriesOf(registry: Value | null): Value[] {
  if (registry === null) return [];
  if (Array.isArray(registry)) return registry;
  if (registry instanceof Dict) {
    const tools = registry.get("tools");
    return Array.isArray(tools) ? tools : [];
  }
  return fail("agent_loop: `tools` must be a tool registry or list when `mcp_servers` is used");
}

/** The loop's `tools` with the servers' tools appended; tool names must stay unique. */
function mergeTools(registry: Value | null, added: readonly Dict[]): Dict {
  const merged = [...entriesOf(registry), ...added];
  const seen = new Set<string>();
  for (const tool of merged) {
    const name = tool instanceof Dict ? display(tool.get("name")) : "";
    if (name === "" || name === "nil") continue;
    if (seen.has(name)) fail(`agent_loop: duplicate tool name \`${name}\` after MCP server prefixing`);
    seen.add(name);
  }
  const root = registry instanceof Dict ? registry : Dict.of({ _type: "tool_registry" });
  return root.with("tools", merged);
}

export interface LoopMcp {
  /** The loop's registry with the servers' tools merged in. */
  readonly tools: Dict;
  /** Live clients by server name, for dispatch. */
  readonly clients: ReadonlyMap<string, McpClient>;
  close(): void;
}

/**
 * Connects every server and lists its tools; on any failure the servers
 * already connected are closed and the error is passed on.
 */
export async function bootstrapLoopMcp(
  specs: readonly McpServerSpec[],
  registry: Value | null,
  connect: ((spec: McpServerSpec) => Promise<McpClient>) | null,
): Promise<LoopMcp> {
  if (connect === null)
    fail("agent_loop: mcp_servers needs the MCP client, which is not installed in this runtime");
  const clients = new Map<string, McpClient>();
  const close = (): void => {
    for (const c of clients.values()) c.disconnect();
  };
  try {
    const entries: Dict[] = [];
    for (const spec of specs) {
      const client = await connect!(spec);
      clients.set(spec.name, client);
      const listed = await client.request("tools/list", {});
      const tools = isJsonObject(listed) && Array.isArray(listed.tools) ? listed.tools : [];
      for (const tool of tools) entries.push(toolEntry(spec.name, tool));
    }
    return { tools: mergeTools(registry, entries), clients, close };
  } catch (e) {
    close();
    throw e;
  }
}
