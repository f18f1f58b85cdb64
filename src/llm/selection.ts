// Which provider and model a call goes to, and its credential. Explicit
// options win; then the HARN_LLM_* / LOCAL_LLM_* environment; then what the
// model id implies; then the default provider when its key is present, or
// a keyless local provider. While scripted mocks are queued every provider
// counts as keyed, since the mock will answer.

import { thrown } from "../vm/errors.ts";
import { inferProvider, resolveModel, resolveTierModel } from "./catalog/models.ts";
import { BUILTIN_PROVIDERS, PLATFORM_AUTH_PROVIDERS } from "./catalog/providers.ts";
import { type Options, optStr } from "./option-values.ts";
import type { LlmState } from "./state.ts";

export function defaultProvider(state: LlmState): string {
  const fromEnv = state.env("HARN_DEFAULT_PROVIDER")?.trim();
  return fromEnv && fromEnv.toLowerCase() !== "auto" ? fromEnv : "anthropic";
}

/** The provider a model selector implies (an alias's provider, else inference from the id). */
export function providerForModel(state: LlmState, selector: string): string {
  return resolveModel(selector).provider ?? inferProvider(selector, defaultProvider(state)).provider;
}

/** The credential for `provider`; throws the reference's "Missing API key" message when absent. */
export function resolveApiKey(state: LlmState, provider: string): string {
  if (provider === "mock" || state.mocks.active || PLATFORM_AUTH_PROVIDERS.has(provider)) return "";
  const def = BUILTIN_PROVIDERS[provider];
  const candidates = def ? (def.authStyle === "none" ? [] : def.authEnv) : ["ANTHROPIC_API_KEY"];
  if (candidates.length === 0) return "";
  for (const name of candidates) {
    const v = state.env(name);
    if (v !== undefined) return v;
  }
  const hint =
    ` (provider '${provider}' selected via LLM_PROVIDER / llm.toml @ <built-in defaults>;` +
    " set HARN_LLM_PROVIDER=mock or LLM_PROVIDER=mock for offline use)";
  const what =
    candidates.length === 1
      ? `set ${candidates[0]} environment variable`
      : `set one of ${candidates.join(", ")} environment variables`;
  throw thrown(`Missing API key: ${what}${hint}`);
}

export function providerKeyAvailable(state: LlmState, provider: string): boolean {
  try {
    resolveApiKey(state, provider);
    return true;
  } catch {
    return false;
  }
}

/** Whether a provider without a catalog entry still counts as reachable without a key. */
export function catalogKeyAvailable(state: LlmState, provider: string): boolean {
  const def = BUILTIN_PROVIDERS[provider];
  if (!def) return provider === "ollama";
  if (def.authStyle === "none" || def.authEnv.length === 0) return true;
  return def.authEnv.some((name) => (state.env(name)?.trim() ?? "") !== "");
}

export function resolveProviderName(state: LlmState, o: Options): string {
  const explicit = optStr(o, "provider");
  const model = optStr(o, "model");
  if (explicit !== undefined) {
    if (explicit.toLowerCase() !== "auto") return explicit;
    if (model !== undefined) return providerForModel(state, model);
  }
  const envProvider = state.env("HARN_LLM_PROVIDER");
  if (envProvider !== undefined) return envProvider;
  const envModel = state.env("HARN_LLM_MODEL");
  if (
    state.env("LOCAL_LLM_BASE_URL") !== undefined &&
    (model !== undefined || envModel !== undefined || state.env("LOCAL_LLM_MODEL") !== undefined)
  ) {
    return "local";
  }
  if (model !== undefined) return providerForModel(state, model);
  const tier = optStr(o, "model_tier");
  const tierAlias = tier === undefined ? undefined : resolveTierModel(tier, null);
  if (tierAlias) return tierAlias.provider;
  if (envModel !== undefined) return providerForModel(state, envModel);
  const fallback = defaultProvider(state);
  if (providerKeyAvailable(state, fallback)) return fallback;
  for (const keyless of ["ollama", "local"]) if (providerKeyAvailable(state, keyless)) return keyless;
  return fallback;
}

const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  openai: "gpt-4o",
  ollama: "llama3.2",
  openrouter: "anthropic/claude-sonnet-4.6",
};

export function resolveModelName(state: LlmState, o: Options, provider: string): string {
  const model = optStr(o, "model");
  if (model !== undefined) return resolveModel(model).id;
  const tier = optStr(o, "model_tier");
  const tierAlias = tier === undefined ? undefined : resolveTierModel(tier, provider);
  if (tierAlias) return tierAlias.id;
  const envModel = state.env("HARN_LLM_MODEL");
  if (envModel !== undefined) {
    const resolved = resolveModel(envModel);
    const envProvider = state.env("HARN_LLM_PROVIDER");
    if (resolved.provider === provider || (resolved.provider === null && envProvider === provider)) {
      return resolved.id;
    }
  }
  const localModel = state.env("LOCAL_LLM_MODEL");
  if (provider === "local")
    return localModel !== undefined ? resolveModel(localModel).id : (envModel ?? "gpt-4o");
  if (provider === "mlx") return state.env("MLX_MODEL_ID") ?? "unsloth/Qwen3.6-27B-UD-MLX-4bit";
  return DEFAULT_MODELS[provider] ?? "claude-sonnet-4-20250514";
}

/** The provider's base URL, honouring its `*_BASE_URL`-style environment override. */
export function resolveBaseUrl(state: LlmState, provider: string): string {
  const def = BUILTIN_PROVIDERS[provider];
  if (!def) return "";
  const override = def.baseUrlEnv === undefined ? undefined : state.env(def.baseUrlEnv);
  const trimmed = override?.trim().replace(/^["']|["']$/g, "");
  return trimmed ? trimmed : def.baseUrl;
}
