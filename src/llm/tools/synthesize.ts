// `tool_synthesize(spec)`: a tool described by data (name, parameters,
// return type, capabilities) rather than code. The spec is validated,
// pinned under a deterministic content id (so re-synthesizing the same spec
// lands on the same cache entry, whatever the order of its capabilities)
// and becomes a callable. Synthesized tools never carry handlers: they run
// as a dry run (echoing what would happen), through the host bridge, or
// through an MCP client.

import { blake3 } from "@noble/hashes/blake3.js";
import { thrown } from "../../vm/errors.ts";
import { Dict, HandleValue, type Value } from "../../vm/values.ts";
import { type JsonValue, valueToJson } from "../json.ts";

export type SynthesizedExecutor =
  | { readonly kind: "dry_run" }
  | { readonly kind: "host_bridge"; readonly hostTool: string }
  | {
      readonly kind: "mcp_server";
      readonly toolName: string;
      /** An `mcp_client` handle from `mcp_connect`, when one was given. */
      readonly client: HandleValue | null;
      readonly serverName: string | null;
    };

export interface SynthesizedTool {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly parameters: Value;
  readonly returnType: Value;
  /** Sorted and deduplicated. */
  readonly capabilities: readonly string[];
  readonly sideEffectLevel: string;
  readonly executor: SynthesizedExecutor;
}

function fail(message: string): never {
  throw thrown(`tool_synthesize: ${message}`);
}

function optionalString(config: Dict, key: string): string | null {
  const v = config.map.get(key);
  return typeof v === "string" ? v : null;
}

function capabilityList(config: Dict): string[] {
  const v = config.map.get("capabilities");
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail("capabilities must be a list of strings");
  const out = new Set<string>();
  for (const item of v) {
    if (typeof item !== "string" || item.trim() === "")
      fail("capabilities must be a list of non-empty strings");
    out.add(item);
  }
  return [...out].sort();
}

/** `synth_` plus the description's words in lower snake case, at most 64 characters. */
export function synthesizedName(description: string): string {
  let name = "synth_";
  let gap = false;
  for (const ch of description) {
    if (/^[A-Za-z0-9]$/.test(ch)) {
      if (gap && !name.endsWith("_")) name += "_";
      name += ch.toLowerCase();
      gap = false;
    } else {
      gap = true;
    }
    if (name.length >= 64) break;
  }
  name = name.replace(/_+$/, "");
  return name === "synth" ? "synth_tool" : name;
}

/** The side-effect level implied by the capabilities when the spec names none. */
export function inferSideEffectLevel(capabilities: readonly string[]): string {
  const any = (...prefixes: string[]): boolean =>
    capabilities.some((c) => prefixes.some((p) => c.startsWith(p)));
  if (any("http", "oauth", "network", "connector", "mcp")) return "network";
  if (any("process", "exec", "shell")) return "process_exec";
  if (any("workspace.write", "workspace.apply", "workspace.delete")) return "workspace_write";
  return capabilities.length === 0 ? "none" : "read_only";
}

function parseExecutor(config: Dict, name: string): SynthesizedExecutor {
  const kind = optionalString(config, "executor") ?? "dry_run";
  switch (kind) {
    case "dry_run":
      return { kind };
    case "host_bridge": {
      const hostTool = optionalString(config, "host_tool") ?? name;
      if (hostTool.trim() === "") fail("host_bridge executor requires a non-empty host_tool");
      return { kind, hostTool };
    }
    case "mcp_server": {
      const toolName = optionalString(config, "mcp_tool") ?? name;
      if (toolName.trim() === "") fail("mcp_server executor requires a non-empty mcp_tool");
      const client = config.get("mcp_client");
      if (client !== null && !(client instanceof HandleValue && client.kind === "mcp_client")) {
        fail("mcp_client must be an MCP client handle");
      }
      return { kind, toolName, client, serverName: optionalString(config, "mcp_server") };
    }
    default:
      return fail(
        `unknown executor ${JSON.stringify(kind)}; expected "dry_run", "host_bridge", or "mcp_server"`,
      );
  }
}

function executorJson(e: SynthesizedExecutor): JsonValue {
  switch (e.kind) {
    case "dry_run":
      return { kind: "dry_run" };
    case "host_bridge":
      return { kind: "host_bridge", host_tool: e.hostTool };
    case "mcp_server":
      return { kind: "mcp_server", tool_name: e.toolName, server_name: e.serverName };
  }
}

/** Canonical JSON (sorted keys) so the id does not depend on insertion order. */
function canonicalJson(v: JsonValue): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(",")}}`;
}

function contentId(t: Omit<SynthesizedTool, "id">): string {
  const text = canonicalJson({
    name: t.name,
    description: t.description,
    parameters: valueToJson(t.parameters),
    return_type: valueToJson(t.returnType),
    capabilities: [...t.capabilities],
    side_effect_level: t.sideEffectLevel,
    executor: executorJson(t.executor),
  });
  const digest = blake3(new TextEncoder().encode(text));
  const hex = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return `tool_synth_${hex}`;
}

/** Validates a `tool_synthesize` config and pins it under its content id. */
export function synthesizeSpec(config: Value | undefined): SynthesizedTool {
  if (!(config instanceof Dict)) fail("requires a config dict");
  if (config.map.has("handler") || config.map.has("body")) {
    fail(
      "executable handlers must be supplied with tool_define; synthesized tools are dry-run, host_bridge, or mcp_server only",
    );
  }
  const description = optionalString(config, "description");
  if (description === null || description.trim() === "") fail("description must be a non-empty string");
  const requested = optionalString(config, "name");
  const name = requested !== null && requested.trim() !== "" ? requested : synthesizedName(description);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    fail(`invalid tool name ${JSON.stringify(name)}; use ASCII letters, digits, and underscores`);
  }
  const capabilities = capabilityList(config);
  const spec = {
    name,
    description,
    parameters: config.map.get("parameters") ?? config.map.get("params") ?? new Dict(),
    returnType: config.map.get("return_type") ?? config.map.get("returns") ?? null,
    capabilities,
    sideEffectLevel: optionalString(config, "side_effect_level") ?? inferSideEffectLevel(capabilities),
    executor: parseExecutor(config, name),
  };
  return { id: contentId(spec), ...spec };
}

/** Required parameters (those not marked `required: false`) must be present in a dict of arguments. */
export function checkSynthesizedArgs(tool: SynthesizedTool, args: Value): void {
  const params = tool.parameters;
  if (!(params instanceof Dict) || params.map.size === 0) return;
  if (!(args instanceof Dict)) throw thrown(`${tool.name}: arguments must be a dict`);
  for (const key of params.keys()) {
    const schema = params.get(key);
    if (schema instanceof Dict && schema.get("required") === false) continue;
    if (!args.map.has(key)) throw thrown(`${tool.name}: missing required argument ${JSON.stringify(key)}`);
  }
}

export function dryRunResult(tool: SynthesizedTool, args: Value): Dict {
  return Dict.of({
    _type: "synthesized_tool_result",
    status: "dry_run",
    tool_id: tool.id,
    name: tool.name,
    description: tool.description,
    args,
    capabilities: [...tool.capabilities],
    side_effect_level: tool.sideEffectLevel,
    message:
      'synthesized tool is pinned and validated, but executor is dry_run; set executor: "host_bridge" or "mcp_server" to dispatch',
  });
}

/** The cache entry `tool_synthesis_cache()` lists. */
export function synthesizedToolValue(tool: SynthesizedTool): Dict {
  const m = new Map<string, Value>([
    ["id", tool.id],
    ["name", tool.name],
    ["description", tool.description],
    ["parameters", tool.parameters],
    ["return_type", tool.returnType],
    ["capabilities", [...tool.capabilities]],
    ["side_effect_level", tool.sideEffectLevel],
    ["executor", tool.executor.kind],
  ]);
  const e = tool.executor;
  if (e.kind === "host_bridge") m.set("host_tool", e.hostTool);
  if (e.kind === "mcp_server") {
    m.set("mcp_tool", e.toolName);
    if (e.serverName !== null) m.set("mcp_server", e.serverName);
  }
  return new Dict(m);
}
