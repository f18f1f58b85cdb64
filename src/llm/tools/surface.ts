// `tool_surface_validate(surface, options?)`: structural checks of a tool
// surface (registry, provider-native tools, capability policy, approval
// policy, prompt text) before an agent spends tokens on it. Each finding is
// a diagnostic with a stable code; only errors make the surface invalid.
// The checks are conservative: prompt scanning looks for `name(` call
// shapes and `<tool_call>name` tags and honours `harn-tool-surface:
// ignore-*` markers and fenced code.

import { display } from "../../vm/display.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../json.ts";
import { toolGlobMatch } from "./hooks.ts";
import { parseAnnotations, type ToolAnnotations } from "./annotations.ts";
import { promptToolReferences } from "./prompt-references.ts";

interface Diagnostic {
  readonly code: string;
  readonly severity: "warning" | "error";
  readonly message: string;
  readonly tool?: string;
  readonly field?: string;
}

interface Entry {
  readonly name: string;
  readonly parameterKeys: ReadonlySet<string>;
  readonly hasSchema: boolean;
  readonly annotations: ToolAnnotations | null;
  readonly hasExecutor: boolean;
  readonly deferLoading: boolean;
  readonly providerNative: boolean;
}

interface Policy {
  readonly tools: readonly string[];
  readonly sideEffectLevel: string | null;
  readonly argConstraints: readonly { readonly tool: string; readonly argKey: string | null }[];
  readonly annotations: ReadonlyMap<string, ToolAnnotations>;
}

interface Approval {
  readonly autoApprove: readonly string[];
  readonly autoDeny: readonly string[];
  readonly requireApproval: readonly string[];
}

interface SurfaceInput {
  readonly tools: Value | undefined;
  readonly nativeTools: readonly JsonValue[] | null;
  readonly policy: Policy | null;
  readonly approval: Approval | null;
  readonly promptTexts: readonly string[];
  readonly toolSearchActive: boolean;
}

const LEVEL_RANK: Readonly<Record<string, number>> = {
  none: 0,
  read_only: 1,
  workspace_write: 2,
  process_exec: 3,
  network: 4,
};

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => display(x)) : [];
}

function parsePolicy(v: Value | undefined): Policy | null {
  if (!(v instanceof Dict)) return null;
  const constraints = v.get("tool_arg_constraints");
  const annotations = new Map<string, ToolAnnotations>();
  const rawAnnotations = v.get("tool_annotations");
  if (rawAnnotations instanceof Dict) {
    for (const k of rawAnnotations.keys()) {
      const a = parseAnnotations(rawAnnotations.get(k));
      if (a) annotations.set(k, a);
    }
  }
  const level = v.get("side_effect_level");
  return {
    tools: strings(v.get("tools")),
    sideEffectLevel: typeof level === "string" ? level : null,
    argConstraints: (Array.isArray(constraints) ? constraints : [])
      .filter((c): c is Dict => c instanceof Dict)
      .map((c) => {
        const key = c.get("arg_key");
        return { tool: display(c.get("tool")), argKey: typeof key === "string" ? key : null };
      }),
    annotations,
  };
}

function parseApproval(v: Value | undefined): Approval | null {
  if (!(v instanceof Dict)) return null;
  return {
    autoApprove: strings(v.get("auto_approve")),
    autoDeny: strings(v.get("auto_deny")),
    requireApproval: strings(v.get("require_approval")),
  };
}

function isRegistryLike(v: Value): boolean {
  return v instanceof Dict && (v.get("_type") === "tool_registry" || v.map.has("tools"));
}

/** Reads the surface from the first argument, falling back to the options dict key by key. */
function surfaceInput(surface: Value, options: Value | undefined): SurfaceInput {
  const dict = surface instanceof Dict ? surface : null;
  const opts = options instanceof Dict ? options : null;
  const pick = (key: string): Value | undefined => {
    const a = dict?.map.get(key);
    return a !== undefined ? a : opts?.map.get(key);
  };
  let tools = pick("tools");
  if (tools === undefined && isRegistryLike(surface)) tools = surface;
  const native = pick("native_tools");
  const nativeJson = native === undefined ? null : valueToJson(native);
  const promptTexts: string[] = [];
  for (const source of [dict, opts]) {
    if (source === null) continue;
    for (const key of ["system", "prompt"]) {
      const text = source.map.has(key) ? display(source.get(key)) : "";
      if (text !== "") promptTexts.push(text);
    }
    for (const item of Array.isArray(source.get("prompts")) ? (source.get("prompts") as Value[]) : []) {
      const text = display(item);
      if (text !== "") promptTexts.push(text);
    }
  }
  const search = pick("tool_search");
  return {
    tools,
    nativeTools: Array.isArray(nativeJson) ? nativeJson : null,
    policy: parsePolicy(pick("policy")),
    approval: parseApproval(pick("approval_policy")),
    promptTexts,
    toolSearchActive: search !== undefined && search !== null && search !== false,
  };
}

function jsonParameterKeys(schema: JsonValue | undefined): [boolean, Set<string>] {
  if (schema === undefined) return [false, new Set()];
  const keys = new Set<string>();
  const obj = typeof schema === "object" && schema !== null && !Array.isArray(schema) ? schema : null;
  const props = obj?.properties;
  if (typeof props === "object" && props !== null && !Array.isArray(props)) {
    for (const k of Object.keys(props)) keys.add(k);
  } else if (obj !== null) {
    for (const k of Object.keys(obj))
      if (k !== "type" && k !== "required" && k !== "description") keys.add(k);
  }
  return [true, keys];
}

function registryEntries(tools: Value, policy: Policy | null): Entry[] {
  const items = Array.isArray(tools)
    ? tools
    : tools instanceof Dict
      ? Array.isArray(tools.get("tools"))
        ? (tools.get("tools") as Value[])
        : [tools]
      : [];
  const out: Entry[] = [];
  for (const item of items) {
    if (!(item instanceof Dict)) continue;
    const name = item.map.has("name") ? display(item.get("name")) : "";
    if (name === "") continue;
    const params = item.map.get("parameters");
    const [hasSchema, parameterKeys] = jsonParameterKeys(
      params === undefined ? undefined : valueToJson(params),
    );
    out.push({
      name,
      parameterKeys,
      hasSchema,
      annotations: parseAnnotations(item.map.get("annotations")) ?? policy?.annotations.get(name) ?? null,
      hasExecutor:
        typeof item.get("executor") === "string" ||
        item.get("handler") instanceof Closure ||
        typeof item.get("_mcp_server") === "string",
      deferLoading: item.get("defer_loading") === true,
      providerNative: false,
    });
  }
  return out;
}

function nativeEntries(tools: readonly JsonValue[], policy: Policy | null): Entry[] {
  const out: Entry[] = [];
  for (const tool of tools) {
    if (typeof tool !== "object" || tool === null || Array.isArray(tool)) continue;
    const fn = (
      typeof tool.function === "object" && tool.function !== null && !Array.isArray(tool.function)
        ? tool.function
        : null
    ) as JsonObject | null;
    const rawName = fn?.name ?? tool.name;
    const name = typeof rawName === "string" ? rawName : "";
    if (name === "" || name === "tool_search" || name.startsWith("tool_search_tool_")) continue;
    const [hasSchema, parameterKeys] = jsonParameterKeys(
      fn?.parameters ?? tool.input_schema ?? tool.parameters,
    );
    const annotations = parseAnnotations(jsonToValue(tool.annotations ?? fn?.annotations));
    out.push({
      name,
      parameterKeys,
      hasSchema,
      annotations: annotations ?? policy?.annotations.get(name) ?? null,
      hasExecutor: true,
      deferLoading: tool.defer_loading === true || fn?.defer_loading === true,
      providerNative: true,
    });
  }
  return out;
}

function diag(
  severity: Diagnostic["severity"],
  code: string,
  message: string,
  tool?: string,
  field?: string,
): Diagnostic {
  return {
    code,
    severity,
    message,
    ...(tool !== undefined && { tool }),
    ...(field !== undefined && { field }),
  };
}

function checkEntry(
  entry: Entry,
  entries: readonly Entry[],
  active: ReadonlySet<string>,
  out: Diagnostic[],
): void {
  const n = entry.name;
  if (!entry.hasSchema)
    out.push(
      diag(
        "warning",
        "TOOL_SURFACE_MISSING_SCHEMA",
        `active tool '${n}' has no parameter schema`,
        n,
        "parameters",
      ),
    );
  const a = entry.annotations;
  if (a === null)
    out.push(
      diag(
        "warning",
        "TOOL_SURFACE_MISSING_ANNOTATIONS",
        `active tool '${n}' has no ToolAnnotations`,
        n,
        "annotations",
      ),
    );
  else if (a.sideEffectLevel === "none")
    out.push(
      diag(
        "warning",
        "TOOL_SURFACE_MISSING_SIDE_EFFECT_LEVEL",
        `active tool '${n}' has no side-effect level`,
        n,
        "side_effect_level",
      ),
    );
  if (!entry.hasExecutor && !entry.providerNative)
    out.push(
      diag(
        "warning",
        "TOOL_SURFACE_MISSING_EXECUTOR",
        `active tool '${n}' has no declared executor`,
        n,
        "executor",
      ),
    );
  if (a === null || a.kind !== "execute" || !a.emitsArtifacts || a.inlineResult) return;
  const hasReader =
    a.resultReaders.some((r) => active.has(r)) ||
    active.has("read_command_output") ||
    entries.some(
      (c) => active.has(c.name) && (c.annotations?.kind === "read" || c.annotations?.kind === "search"),
    );
  if (!hasReader) {
    out.push(
      diag(
        "error",
        "TOOL_SURFACE_MISSING_RESULT_READER",
        `execute tool '${n}' can emit output artifacts but has no active result reader`,
        n,
        "result_readers",
      ),
    );
  }
  for (const reader of a.resultReaders) {
    if (!active.has(reader))
      out.push(
        diag(
          "warning",
          "TOOL_SURFACE_UNKNOWN_RESULT_READER",
          `tool '${n}' declares result reader '${reader}' that is not active`,
          n,
          "result_readers",
        ),
      );
  }
}

function checkArgConstraints(
  policy: Policy,
  entries: readonly Entry[],
  active: ReadonlySet<string>,
  out: Diagnostic[],
): void {
  for (const c of policy.argConstraints) {
    const matched = entries.filter((e) => active.has(e.name) && toolGlobMatch(c.tool, e.name));
    if (matched.length === 0 && !c.tool.includes("*"))
      out.push(
        diag(
          "warning",
          "TOOL_SURFACE_UNKNOWN_ARG_CONSTRAINT_TOOL",
          `ToolArgConstraint references tool '${c.tool}' which is not active`,
          c.tool,
          "tool_arg_constraints.tool",
        ),
      );
    if (c.argKey === null) continue;
    for (const e of matched) {
      const s = e.annotations?.argSchema;
      const known = new Set([
        ...(s?.pathParams ?? []),
        ...(s?.required ?? []),
        ...Object.keys(s?.argAliases ?? {}),
        ...Object.values(s?.argAliases ?? {}),
      ]);
      if (!e.parameterKeys.has(c.argKey) && !known.has(c.argKey))
        out.push(
          diag(
            "warning",
            "TOOL_SURFACE_UNKNOWN_ARG_CONSTRAINT_KEY",
            `ToolArgConstraint for '${e.name}' targets unknown argument '${c.argKey}'`,
            e.name,
            `tool_arg_constraints.${c.argKey}`,
          ),
        );
    }
  }
}

function checkApproval(approval: Approval, active: ReadonlySet<string>, out: Diagnostic[]): void {
  const fields: [string, readonly string[]][] = [
    ["approval_policy.auto_approve", approval.autoApprove],
    ["approval_policy.auto_deny", approval.autoDeny],
    ["approval_policy.require_approval", approval.requireApproval],
  ];
  for (const [field, patterns] of fields) {
    for (const p of patterns) {
      if (p.includes("*") || [...active].some((n) => toolGlobMatch(p, n))) continue;
      out.push(
        diag(
          "warning",
          "TOOL_SURFACE_APPROVAL_PATTERN_NO_MATCH",
          `${field} pattern '${p}' matches no active tool`,
          undefined,
          field,
        ),
      );
    }
  }
}

function containsToken(text: string, needle: string): boolean {
  if (needle === "") return false;
  const ident = /[A-Za-z0-9_]/;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    const before = i === 0 || !ident.test(text[i - 1]!);
    const end = i + needle.length;
    if (before && (end === text.length || !ident.test(text[end]!))) return true;
  }
  return false;
}

function checkPrompts(
  input: SurfaceInput,
  entries: readonly Entry[],
  active: ReadonlySet<string>,
  out: Diagnostic[],
): void {
  const deferred = new Set(entries.filter((e) => e.deferLoading).map((e) => e.name));
  const known = new Set([...entries.map((e) => e.name), ...active]);
  const looksLikeTool = (n: string): boolean =>
    n.includes("_") || n.startsWith("tool") || n.startsWith("run");
  for (const text of input.promptTexts) {
    for (const name of promptToolReferences(text)) {
      if (!known.has(name) && looksLikeTool(name)) {
        out.push(
          diag(
            "warning",
            "TOOL_SURFACE_UNKNOWN_PROMPT_TOOL",
            `prompt references tool '${name}' which is not active`,
            name,
            "prompt",
          ),
        );
        continue;
      }
      if (known.has(name) && !active.has(name))
        out.push(
          diag(
            "warning",
            "TOOL_SURFACE_PROMPT_TOOL_NOT_IN_POLICY",
            `prompt references tool '${name}' outside the active policy`,
            name,
            "prompt",
          ),
        );
      if (deferred.has(name) && !input.toolSearchActive)
        out.push(
          diag(
            "warning",
            "TOOL_SURFACE_DEFERRED_TOOL_PROMPT_REFERENCE",
            `prompt references deferred tool '${name}' but tool_search is not active`,
            name,
            "prompt",
          ),
        );
    }
    for (const e of entries) {
      for (const [alias, canonical] of Object.entries(e.annotations?.argSchema.argAliases ?? {})) {
        if (containsToken(text, alias))
          out.push(
            diag(
              "warning",
              "TOOL_SURFACE_DEPRECATED_ARG_ALIAS",
              `prompt mentions alias '${alias}' for tool '${e.name}'; use canonical argument '${canonical}'`,
              e.name,
              `arg_schema.arg_aliases.${alias}`,
            ),
          );
      }
    }
  }
}

function checkCeiling(
  policy: Policy,
  entries: readonly Entry[],
  active: ReadonlySet<string>,
  out: Diagnostic[],
): void {
  if (policy.sideEffectLevel === null) return;
  const ceiling = policy.sideEffectLevel in LEVEL_RANK ? policy.sideEffectLevel : "none";
  for (const e of entries) {
    const level = e.annotations?.sideEffectLevel;
    if (!active.has(e.name) || level === undefined) continue;
    if (LEVEL_RANK[level]! > LEVEL_RANK[ceiling]!)
      out.push(
        diag(
          "error",
          "TOOL_SURFACE_SIDE_EFFECT_CEILING_EXCEEDED",
          `tool '${e.name}' requires side-effect level '${level}' but policy ceiling is '${ceiling}'`,
          e.name,
          "side_effect_level",
        ),
      );
  }
}

function diagnosticValue(d: Diagnostic): Dict {
  const m = new Map<string, Value>([
    ["code", d.code],
    ["severity", d.severity],
    ["message", d.message],
  ]);
  if (d.tool !== undefined) m.set("tool", d.tool);
  if (d.field !== undefined) m.set("field", d.field);
  return new Dict(m);
}

/** The `{valid, diagnostics}` report for a surface. */
export function validateToolSurface(surface: Value, options: Value | undefined): Dict {
  const input = surfaceInput(surface, options);
  const entries = input.tools === undefined ? [] : registryEntries(input.tools, input.policy);
  if (input.nativeTools !== null) {
    const seen = new Set(entries.map((e) => e.name));
    entries.push(...nativeEntries(input.nativeTools, input.policy).filter((e) => !seen.has(e.name)));
  }
  const allowed = input.policy?.tools ?? [];
  const active = new Set(
    entries
      .filter((e) => allowed.length === 0 || allowed.some((p) => toolGlobMatch(p, e.name)))
      .map((e) => e.name),
  );
  const out: Diagnostic[] = [];
  for (const e of entries) if (active.has(e.name)) checkEntry(e, entries, active, out);
  if (input.policy) checkArgConstraints(input.policy, entries, active, out);
  if (input.approval) checkApproval(input.approval, active, out);
  checkPrompts(input, entries, active, out);
  if (input.policy) checkCeiling(input.policy, entries, active, out);
  return Dict.of({ valid: out.every((d) => d.severity !== "error"), diagnostics: out.map(diagnosticValue) });
}
