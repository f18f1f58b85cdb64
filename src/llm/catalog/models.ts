// Model aliases, the model catalog (context window, pricing) and the rules
// that infer a provider and a quality tier from a model id. Facts follow
// the reference runtime's built-in defaults; `llm_resolve_model`,
// `llm_model_info`, `llm_infer_provider`, `llm_model_tier` and provider
// selection in `llm_call` all read them.

import { BUILTIN_PROVIDERS } from "./providers.ts";

export interface AliasDef {
  readonly id: string;
  readonly provider: string;
  readonly toolFormat?: string;
}

export interface ModelPricing {
  readonly inputPerMtok: number;
  readonly outputPerMtok: number;
  readonly cacheReadPerMtok?: number;
  readonly cacheWritePerMtok?: number;
}

export interface ModelDef {
  readonly name: string;
  readonly provider: string;
  readonly contextWindow: number;
  readonly streamTimeout?: number;
  readonly capabilities: readonly string[];
  readonly pricing?: ModelPricing;
}

const sonnet4 = { id: "claude-sonnet-4-20250514", provider: "anthropic" };
const mid = { id: "gpt-4o-mini", provider: "openai" };
const small = { id: "Qwen/Qwen3.5-9B", provider: "openrouter" };

export const ALIASES: Readonly<Record<string, AliasDef>> = {
  frontier: sonnet4,
  "tier/frontier": sonnet4,
  mid,
  "tier/mid": mid,
  small,
  "tier/small": small,
  "local-gemma4": { id: "gemma-4-26b-a4b-it", provider: "local" },
  "local-gemma4-26b": { id: "gemma-4-26b-a4b-it", provider: "local" },
  "local-gemma4-31b": { id: "gemma-4-31b-it", provider: "local" },
  "local-gemma4-e4b": { id: "gemma-4-e4b-it", provider: "local" },
  "local-gemma4-e2b": { id: "gemma-4-e2b-it", provider: "local" },
  "mlx-qwen36-27b": { id: "unsloth/Qwen3.6-27B-UD-MLX-4bit", provider: "mlx" },
};

export const MODELS: Readonly<Record<string, ModelDef>> = {
  "claude-sonnet-4-20250514": {
    name: "Claude Sonnet 4",
    provider: "anthropic",
    contextWindow: 200_000,
    capabilities: ["tools", "streaming", "prompt_caching", "thinking"],
    pricing: { inputPerMtok: 3, outputPerMtok: 15, cacheReadPerMtok: 0.3, cacheWritePerMtok: 3.75 },
  },
  "gpt-4o-mini": {
    name: "GPT-4o Mini",
    provider: "openai",
    contextWindow: 128_000,
    capabilities: ["tools", "streaming"],
    pricing: { inputPerMtok: 0.15, outputPerMtok: 0.6 },
  },
  "Qwen/Qwen3.5-9B": {
    name: "Qwen3.5 9B",
    provider: "openrouter",
    contextWindow: 131_072,
    capabilities: ["tools", "streaming"],
  },
  "llama3.2": {
    name: "Llama 3.2",
    provider: "ollama",
    contextWindow: 32_000,
    streamTimeout: 300,
    capabilities: ["tools", "streaming"],
  },
};

/** The cheap model each provider uses for quality checks. */
export const QC_DEFAULTS: Readonly<Record<string, string>> = {
  anthropic: "claude-3-5-haiku-20241022",
  local: "gpt-4o",
  ollama: "llama3.2",
  openai: "gpt-4o-mini",
  openrouter: "google/gemini-2.5-flash",
};

/** Model-id globs (a trailing or leading `*`) that name a provider outright. */
const INFERENCE_RULES: readonly (readonly [string, string])[] = [
  ["claude-*", "anthropic"],
  ["gpt-*", "openai"],
  ["o1*", "openai"],
  ["o3*", "openai"],
  ["o4*", "openai"],
  ["anthropic.claude-*", "bedrock"],
  ["meta.llama*", "bedrock"],
  ["amazon.*", "bedrock"],
  ["mistral.*", "bedrock"],
  ["cohere.*", "bedrock"],
  ["gemini-*", "gemini"],
];

/** Substrings (or `=exact` ids, or `prefix*` globs) that fix a model's tier. */
const TIER_RULES: readonly (readonly [string, string])[] = [
  ["9b", "small"],
  ["a3b", "small"],
  ["gemma-4-e2b", "small"],
  ["gemma-4-e4b", "small"],
  ["gemma-4-26b", "mid"],
  ["gemma-4-31b", "frontier"],
  ["gemma4:26b", "mid"],
  ["gemma4:31b", "frontier"],
  ["claude-*", "frontier"],
  ["=gpt-4o", "frontier"],
];

/** Prefix/suffix glob with at most one inner `*`, as catalog patterns use. */
export function catalogGlob(pattern: string, input: string): boolean {
  if (pattern.endsWith("*")) return input.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return input.endsWith(pattern.slice(1));
  const parts = pattern.split("*");
  if (parts.length === 2) return input.startsWith(parts[0]!) && input.endsWith(parts[1]!);
  return input === pattern;
}

const PREFIXES_TO_STRIP = ["ollama:", "local:", "huggingface:", "hf:"];

/** A model id without a routing prefix (`local:`, `ollama:`, `hf:` ...). */
export function normalizeModelId(raw: string): string {
  for (const prefix of PREFIXES_TO_STRIP) if (raw.startsWith(prefix)) return raw.slice(prefix.length);
  return raw;
}

/** `alias` resolved to a model id, with the provider when it was an alias. */
export function resolveModel(alias: string): { id: string; provider: string | null } {
  const a = ALIASES[alias];
  return a ? { id: a.id, provider: a.provider } : { id: normalizeModelId(alias), provider: null };
}

/** The provider a model id implies; `fromDefault` when nothing in the id decided it. */
export function inferProvider(
  modelId: string,
  defaultProvider: string,
): { provider: string; fromDefault: boolean } {
  const found = (provider: string): { provider: string; fromDefault: boolean } => ({
    provider,
    fromDefault: false,
  });
  if (modelId.startsWith("local:") || modelId.startsWith("ollama:")) return found("ollama");
  if (modelId.startsWith("huggingface:") || modelId.startsWith("hf:")) return found("huggingface");
  for (const [pattern, provider] of INFERENCE_RULES)
    if (catalogGlob(pattern, modelId)) return found(provider);
  if (modelId.split("/").length === 2) return found("openrouter");
  if (modelId.includes(":")) return found("ollama");
  return { provider: defaultProvider, fromDefault: true };
}

export function modelTier(modelId: string): string {
  for (const [rule, tier] of TIER_RULES) {
    const hit = rule.startsWith("=")
      ? modelId === rule.slice(1)
      : rule.includes("*")
        ? catalogGlob(rule, modelId)
        : modelId.includes(rule);
    if (hit) return tier;
  }
  const lower = modelId.toLowerCase();
  if (lower.includes("9b") || lower.includes("a3b")) return "small";
  if (lower.startsWith("claude-") || lower === "gpt-4o") return "frontier";
  return "mid";
}

/** `native` when the alias or provider declares native tool calling, else `text`. */
export function defaultToolFormat(model: string, provider: string): string {
  for (const [name, alias] of Object.entries(ALIASES)) {
    if (((alias.id === model && alias.provider === provider) || name === model) && alias.toolFormat) {
      return alias.toolFormat;
    }
  }
  return BUILTIN_PROVIDERS[provider]?.features?.includes("native_tools") ? "native" : "text";
}

export interface ResolvedModel {
  readonly id: string;
  readonly provider: string;
  readonly alias: string | null;
  readonly toolFormat: string;
  readonly tier: string;
}

/** A model selector (alias, `provider:`-prefixed id or plain id) fully resolved. */
export function resolveModelInfo(selector: string, defaultProvider: string): ResolvedModel {
  const alias = ALIASES[selector];
  if (alias) {
    return {
      id: alias.id,
      provider: alias.provider,
      alias: selector,
      toolFormat: alias.toolFormat ?? defaultToolFormat(alias.id, alias.provider),
      tier: modelTier(alias.id),
    };
  }
  const provider = inferProvider(selector, defaultProvider).provider;
  const id = normalizeModelId(selector);
  return { id, provider, alias: null, toolFormat: defaultToolFormat(id, provider), tier: modelTier(id) };
}

/** The alias a tier name (optionally scoped to a provider) points at. */
export function resolveTierModel(target: string, preferredProvider: string | null): AliasDef | undefined {
  const direct = ALIASES[target];
  if (direct) return direct;
  const names = preferredProvider
    ? [`${preferredProvider}/${target}`, `${preferredProvider}:${target}`, `tier/${target}`, target]
    : [`tier/${target}`, target];
  for (const name of names) {
    const a = ALIASES[name];
    if (a) return a;
  }
  return undefined;
}

/** Catalog entries sorted by provider, then id (the order `llm_provider_catalog` lists them). */
export function modelCatalogEntries(): [string, ModelDef][] {
  return Object.entries(MODELS).sort(([ia, a], [ib, b]) =>
    a.provider === b.provider ? compare(ia, ib) : compare(a.provider, b.provider),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
