// `llm_healthcheck(provider | {provider, api_key}, options?)`: everything a
// healthcheck can decide without the network (unknown provider, no probe
// configured, missing credentials, Ollama warm-up without a model), then a
// registered provider's own probe. With no HTTP provider registered the
// result says so instead of pretending the provider is reachable.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { BUILTIN_PROVIDERS } from "../catalog/providers.ts";
import { jsonToValue } from "../json.ts";
import type { LlmState } from "../state.ts";

function parseArgs(args: readonly Value[]): {
  provider: string;
  apiKey: string | null;
  options: Dict | null;
} {
  let provider = "anthropic";
  let apiKey: string | null = null;
  const first = args[0];
  if (first instanceof Dict) {
    if (first.map.has("provider")) provider = display(first.get("provider"));
    if (first.map.has("api_key")) apiKey = display(first.get("api_key"));
  } else if (first !== undefined && first !== null) {
    provider = display(first);
  }
  const options = args[1] instanceof Dict ? args[1] : null;
  if (options?.map.has("api_key")) apiKey = display(options.get("api_key"));
  return { provider: provider.trim() === "" ? "anthropic" : provider.trim(), apiKey, options };
}

function result(provider: string, valid: boolean, message: string, metadata: Record<string, Value>): Dict {
  return Dict.of({ provider, valid, message, metadata: Dict.of(metadata) });
}

/** Ollama warm-up needs a model: options.model, else HARN_LLM_MODEL / LOCAL_LLM_MODEL. */
function ollamaWarmupProblem(state: LlmState, options: Dict | null): Dict | undefined {
  const warm = options?.map.get("warm") === true || options?.map.get("preload") === true;
  const model = options?.map.get("model");
  const chosen =
    (model !== undefined && model !== null ? display(model) : undefined) ??
    state.env("HARN_LLM_MODEL") ??
    state.env("LOCAL_LLM_MODEL") ??
    "";
  if (!warm || chosen.trim() !== "") return undefined;
  return Dict.of({
    valid: false,
    status: "invalid_request",
    message: "Ollama warmup requires options.model",
  });
}

export function llmHealthcheck(state: LlmState, args: readonly Value[]): Value | Promise<Value> {
  const { provider, apiKey, options } = parseArgs(args);
  if (provider === "ollama") {
    const problem = ollamaWarmupProblem(state, options);
    if (problem) return problem;
  }
  const def = BUILTIN_PROVIDERS[provider];
  if (!def) {
    return result(provider, false, `Unknown provider: ${provider}`, { reason: "unknown_provider", provider });
  }
  if (!def.healthcheck) {
    return result(provider, false, `No healthcheck configured for ${provider}`, {
      reason: "no_healthcheck",
      provider,
    });
  }
  const needsKey = def.authStyle !== "none" && def.authEnv.length > 0;
  const key = apiKey ?? def.authEnv.map((name) => state.env(name)).find((v) => v !== undefined) ?? null;
  if (needsKey && key === null) {
    return result(
      provider,
      false,
      `Missing credentials for ${provider}: set ${def.authEnv.join(", ")} or pass an api_key`,
      {
        reason: "missing_credentials",
        provider,
        auth_env: [...def.authEnv],
      },
    );
  }
  const registered = state.providers.get(provider);
  if (registered?.healthcheck) {
    return registered
      .healthcheck(key ?? "", new AbortController().signal)
      .then((r) =>
        Dict.of({ provider, valid: r.valid, message: r.message, metadata: jsonToValue(r.metadata) }),
      );
  }
  return result(
    provider,
    false,
    `${provider} healthcheck needs an HTTP provider, and none is registered in this runtime`,
    {
      reason: "no_transport",
      provider,
    },
  );
}
