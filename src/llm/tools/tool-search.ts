// Progressive tool disclosure (spec: "Tool search"). Tools defined with
// `defer_loading: true` are held back from the model until a search
// surfaces them. The `tool_search` option of llm_call / agent_loop picks
// how: natively, when the provider runs the search itself (Anthropic Claude
// 4+ meta-tools, OpenAI GPT 5.4+ `{type: "tool_search"}`), or on the
// client, where Harn offers a synthetic search tool, runs BM25 or regex
// over the deferred tools and promotes the hits into the next turn. This
// module parses the option and shapes the tool payload; `ClientToolSearch`
// carries the client-mode state across an agent loop's turns.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { claudeGeneration } from "../catalog/capabilities.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import { toolEntries } from "./registry.ts";

export type ToolSearchVariant = "bm25" | "regex";
export type ToolSearchMode = "auto" | "native" | "client";
export type ToolSearchStrategy = "bm25" | "regex" | "semantic" | "host";

export interface ToolSearchConfig {
  readonly variant: ToolSearchVariant;
  readonly mode: ToolSearchMode;
  /** Deferred tools to ship eagerly anyway. */
  readonly alwaysLoaded: readonly string[];
  readonly strategy: ToolSearchStrategy | null;
  /** Cap on the estimated tokens of promoted schemas (oldest evicted first). */
  readonly budgetTokens: number | null;
  /** The synthetic search tool's name (default `__harn_tool_search`). */
  readonly name: string | null;
  readonly includeStubListing: boolean;
}

export const DEFAULT_SEARCH_TOOL_NAME = "__harn_tool_search";

export function searchToolName(cfg: ToolSearchConfig): string {
  return cfg.name ?? DEFAULT_SEARCH_TOOL_NAME;
}

export function effectiveStrategy(cfg: ToolSearchConfig): ToolSearchStrategy {
  return cfg.strategy ?? cfg.variant;
}

function fail(message: string): never {
  throw thrown(message);
}

function oneOf<T extends string>(
  v: Value | undefined,
  allowed: readonly T[],
  field: string,
  expected: string,
): T | null {
  if (v === undefined) return null;
  if (typeof v !== "string") return fail(`tool_search.${field}: expected a string`);
  if (!(allowed as readonly string[]).includes(v))
    return fail(`tool_search.${field}: expected ${expected}, got "${v}"`);
  return v as T;
}

const DEFAULTS: ToolSearchConfig = {
  variant: "bm25",
  mode: "auto",
  alwaysLoaded: [],
  strategy: null,
  budgetTokens: null,
  name: null,
  includeStubListing: false,
};

/** The `tool_search` option: `true`, `"bm25"`/`"regex"`, or a dict; absent, nil or false mean none. */
export function parseToolSearchOption(v: Value | undefined): ToolSearchConfig | null {
  if (v === undefined || v === null || v === false) return null;
  if (v === true) return DEFAULTS;
  if (typeof v === "string") {
    return { ...DEFAULTS, variant: oneOf(v, ["bm25", "regex"], "variant", '"bm25" or "regex"')! };
  }
  if (!(v instanceof Dict)) {
    return fail(
      'tool_search: expected bool, string ("bm25"/"regex"), or dict ({variant, mode, strategy, always_loaded, budget_tokens, name, include_stub_listing})',
    );
  }
  const get = (k: string): Value | undefined => v.map.get(k);
  const always = get("always_loaded");
  if (always !== undefined && !Array.isArray(always))
    fail("tool_search.always_loaded: expected a list of tool names");
  const budget = get("budget_tokens");
  if (budget !== undefined && budget !== null && typeof budget !== "number" && typeof budget !== "bigint") {
    fail("tool_search.budget_tokens: expected an integer");
  }
  const name = get("name");
  if (name !== undefined && name !== null && typeof name !== "string")
    fail("tool_search.name: expected a string");
  const stubs = get("include_stub_listing");
  if (stubs !== undefined && stubs !== null && typeof stubs !== "boolean") {
    fail("tool_search.include_stub_listing: expected a bool");
  }
  return {
    variant: oneOf(get("variant"), ["bm25", "regex"], "variant", '"bm25" or "regex"') ?? "bm25",
    mode: oneOf(get("mode"), ["auto", "native", "client"], "mode", '"auto" | "native" | "client"') ?? "auto",
    alwaysLoaded: Array.isArray(always) ? always.map((x) => display(x)) : [],
    strategy: oneOf(
      get("strategy"),
      ["bm25", "regex", "semantic", "host"],
      "strategy",
      '"bm25" | "regex" | "semantic" | "host"',
    ),
    budgetTokens: typeof budget === "number" || typeof budget === "bigint" ? Number(budget) : null,
    name: typeof name === "string" && name.trim() !== "" ? name.trim() : null,
    includeStubListing: stubs === true,
  };
}

/** The name of a provider-shaped tool (Anthropic top-level `name`, OpenAI `function.name`). */
export function nativeToolName(tool: JsonObject): string {
  if (typeof tool.name === "string") return tool.name;
  return isJsonObject(tool.function) && typeof tool.function.name === "string" ? tool.function.name : "";
}

/**
 * Copies `defer_loading: true` and `namespace` from the registry entries
 * onto the matching provider-shaped tools (on the wrapper, where both
 * providers read them), so a payload builder that knows nothing about
 * disclosure still produces a faithful payload.
 */
export function withDisclosureFlags(
  native: readonly JsonObject[],
  registry: Value | undefined,
): JsonObject[] {
  const flags = new Map<string, { defer: boolean; namespace: string | null }>();
  for (const e of toolEntries(registry)) {
    const ns = e.map.get("namespace");
    flags.set(display(e.get("name")), {
      defer: e.get("defer_loading") === true,
      namespace: typeof ns === "string" && ns !== "" ? ns : null,
    });
  }
  return native.map((t) => {
    const f = flags.get(nativeToolName(t));
    if (f === undefined || (!f.defer && f.namespace === null)) return t;
    const out: JsonObject = { ...t };
    if (f.defer) out.defer_loading = true;
    if (f.namespace !== null) out.namespace = f.namespace;
    return out;
  });
}

/** What the provider can do natively for this call. */
export interface ToolSearchTarget {
  readonly provider: string;
  readonly model: string;
  /** The model's `defer_loading` capability and native `tool_search` variants. */
  readonly deferLoading: boolean;
  readonly nativeVariants: readonly string[];
  /** `options[provider].force_native_tool_search` (proxied OpenAI-compatible endpoints). */
  readonly forceNative: boolean;
}

export interface ToolSearchPlan {
  readonly mode: "native" | "client";
  /** The payload to send (meta-tool or synthetic search tool first). */
  readonly tools: JsonObject[];
  /** Client mode: every deferred tool's payload entry, by name (flag removed). */
  readonly deferred: ReadonlyMap<string, JsonObject>;
}

function isAnthropicStyle(provider: string): boolean {
  return provider === "anthropic";
}

/** Claude 4+ Opus/Sonnet and Haiku 4.5+ run Anthropic's tool-search meta-tools. */
function claudeSupportsToolSearch(model: string): boolean {
  const lower = model.toLowerCase();
  const gen = claudeGeneration(lower);
  if (gen === undefined) return false;
  return lower.includes("haiku-") ? gen[0] > 4 || (gen[0] === 4 && gen[1] >= 5) : gen[0] >= 4;
}

function stripDefer(tool: JsonObject): JsonObject {
  const out: JsonObject = { ...tool };
  delete out.defer_loading;
  if (isJsonObject(out.function)) {
    const fn: JsonObject = { ...out.function };
    delete fn.defer_loading;
    out.function = fn;
  }
  return out;
}

function clientDescription(strategy: ToolSearchStrategy): string {
  switch (strategy) {
    case "regex":
      return 'Search for tools you need. Pass `query` as a case-insensitive regex (RE2 syntax — no lookaround, no backreferences). The tool returns `{ "tool_names": [...] }`; only the returned tools will be available to call in the next turn.';
    case "bm25":
      return 'Search for tools you need. Pass `query` as natural-language keywords (BM25). The tool returns `{ "tool_names": [...] }`; only the returned tools will be available to call in the next turn. Cast a wider net if the first search returns nothing useful.';
    case "semantic":
      return 'Search for tools you need. Pass `query` as a natural-language description; a semantic / embedding index returns the best matches as `{ "tool_names": [...] }`. Only the returned tools will be available to call in the next turn.';
    case "host":
      return 'Search for tools you need. Pass `query` as the host expects it; the host returns `{ "tool_names": [...] }`. Only the returned tools will be available to call in the next turn.';
  }
}

/** The synthetic client-mode search tool in the provider's shape. */
export function clientSearchTool(provider: string, cfg: ToolSearchConfig): JsonObject {
  const schema: JsonObject = {
    type: "object",
    properties: {
      query: {
        type: "string",
        description: "Search query (keywords for BM25/semantic, regex for regex variant).",
      },
    },
    required: ["query"],
    additionalProperties: false,
  };
  const name = searchToolName(cfg);
  const description = clientDescription(effectiveStrategy(cfg));
  return isAnthropicStyle(provider)
    ? { name, description, input_schema: schema }
    : { type: "function", function: { name, description, parameters: schema } };
}

function nativeMetaTool(
  target: ToolSearchTarget,
  cfg: ToolSearchConfig,
  tools: readonly JsonObject[],
): JsonObject {
  const anthropic =
    target.provider === "anthropic" || (target.provider === "mock" && claudeSupportsToolSearch(target.model));
  if (anthropic) {
    const variant = target.nativeVariants.includes(cfg.variant)
      ? cfg.variant
      : (target.nativeVariants[0] ?? "bm25");
    return variant === "regex"
      ? { type: "tool_search_tool_regex_20251119", name: "tool_search_tool_regex" }
      : { type: "tool_search_tool_bm25_20251119", name: "tool_search_tool_bm25" };
  }
  const meta: JsonObject = { type: "tool_search", mode: "hosted" };
  const namespaces = [
    ...new Set(tools.map((t) => t.namespace).filter((n): n is string => typeof n === "string")),
  ].sort();
  if (namespaces.length > 0) meta.namespaces = namespaces;
  return meta;
}

/**
 * Shapes the tool payload for `cfg`: native mode prepends the provider's
 * meta-tool (deferred tools keep their flag); client mode removes deferred
 * tools (except `always_loaded`), records them for promotion and prepends
 * the synthetic search tool. Throws the reference's errors for native mode
 * on a provider without it and for an all-deferred tool list.
 */
export function planToolSearch(
  tools: readonly JsonObject[],
  cfg: ToolSearchConfig,
  target: ToolSearchTarget,
): ToolSearchPlan {
  const modelNative = target.deferLoading && target.nativeVariants.length > 0;
  const hasNative = modelNative || target.forceNative;
  if (cfg.mode === "native" && !hasNative) {
    fail(
      `tool_search: provider "${target.provider}" does not expose native tool-search for model "${target.model}". Set \`tool_search: { mode: "client" }\` to use the client-executed fallback, or omit tool_search to ship tools eagerly.`,
    );
  }
  const deferredNames = tools.filter((t) => t.defer_loading === true).map(nativeToolName);
  if (tools.length > 0 && deferredNames.length === tools.length) {
    fail(
      "tool_search: all tools have defer_loading set. At least one tool must be non-deferred so the model has somewhere to start. (Matches Anthropic's 400 on the same condition.)",
    );
  }
  const native = cfg.mode === "native" || (cfg.mode === "auto" && hasNative);
  if (native) {
    const effective: ToolSearchTarget =
      target.forceNative && target.nativeVariants.length === 0
        ? { ...target, nativeVariants: ["hosted", "client"] }
        : target;
    return { mode: "native", tools: [nativeMetaTool(effective, cfg, tools), ...tools], deferred: new Map() };
  }
  const deferred = new Map<string, JsonObject>();
  const kept: JsonObject[] = [];
  for (const t of tools) {
    const name = nativeToolName(t);
    if (t.defer_loading === true && name !== "") deferred.set(name, stripDefer(t));
    if (t.defer_loading !== true || cfg.alwaysLoaded.includes(name)) kept.push(stripDefer(t));
  }
  return { mode: "client", tools: [clientSearchTool(target.provider, cfg), ...kept], deferred };
}
