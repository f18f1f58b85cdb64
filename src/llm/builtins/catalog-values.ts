// Catalog entries (providers, models, aliases, capabilities) as the dicts
// the introspection builtins return; field names follow the reference.

import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Capabilities } from "../catalog/capabilities.ts";
import type { AliasDef, ModelDef, ResolvedModel } from "../catalog/models.ts";
import type { ProviderDef } from "../catalog/providers.ts";

const float = (x: number | undefined): Value => (x === undefined ? null : new HFloat(x));

export function providerDefValue(def: ProviderDef, authAvailable: boolean): Dict {
  const m = new Map<string, Value>([
    ["base_url", def.baseUrl],
    ["auth_style", def.authStyle],
    ["auth_envs", [...def.authEnv]],
    ["auth_available", authAvailable],
    ["chat_endpoint", def.chatEndpoint],
  ]);
  if (def.baseUrlEnv !== undefined) m.set("base_url_env", def.baseUrlEnv);
  if (def.completionEndpoint !== undefined) m.set("completion_endpoint", def.completionEndpoint);
  if (def.authHeader !== undefined) m.set("auth_header", def.authHeader);
  if (def.extraHeaders && Object.keys(def.extraHeaders).length > 0)
    m.set("extra_headers", Dict.of(def.extraHeaders));
  if (def.features && def.features.length > 0) m.set("features", [...def.features]);
  if (def.costPer1kIn !== undefined) m.set("cost_per_1k_in", new HFloat(def.costPer1kIn));
  if (def.costPer1kOut !== undefined) m.set("cost_per_1k_out", new HFloat(def.costPer1kOut));
  if (def.latencyP50Ms !== undefined) m.set("latency_p50_ms", def.latencyP50Ms);
  return new Dict(m);
}

export function modelDefValue(id: string, model: ModelDef): Dict {
  const p = model.pricing;
  return Dict.of({
    id,
    name: model.name,
    provider: model.provider,
    context_window: model.contextWindow,
    stream_timeout: float(model.streamTimeout),
    capabilities: [...model.capabilities],
    pricing: p
      ? Dict.of({
          input_per_mtok: new HFloat(p.inputPerMtok),
          output_per_mtok: new HFloat(p.outputPerMtok),
          cache_read_per_mtok: float(p.cacheReadPerMtok),
          cache_write_per_mtok: float(p.cacheWritePerMtok),
        })
      : null,
  });
}

export function aliasValue(name: string, alias: AliasDef): Dict {
  return Dict.of({ name, id: alias.id, provider: alias.provider, tool_format: alias.toolFormat ?? null });
}

export function resolvedModelValue(r: ResolvedModel): Dict {
  return Dict.of({ id: r.id, provider: r.provider, alias: r.alias, tool_format: r.toolFormat, tier: r.tier });
}

export function capabilitiesValue(provider: string, model: string, c: Capabilities): Dict {
  return Dict.of({
    provider,
    model,
    native_tools: c.nativeTools,
    defer_loading: c.deferLoading,
    tool_search: [...c.toolSearch],
    max_tools: c.maxTools,
    prompt_caching: c.promptCaching,
    thinking: c.thinkingModes.length > 0,
    thinking_modes: [...c.thinkingModes],
    interleaved_thinking_supported: c.interleavedThinking,
    anthropic_beta_features: [...c.anthropicBetaFeatures],
    vision_supported: c.visionSupported,
    audio: c.audio,
    pdf: c.pdf,
    preserve_thinking: c.preserveThinking,
    requires_completion_tokens: c.requiresCompletionTokens,
    reasoning_effort_supported: c.reasoningEffortSupported,
  });
}
