// Which implementation serves each catalog provider, and installing them
// on a VM. The catalog's chat endpoint decides: `/messages` is Anthropic's
// Messages API, `/api/chat` is Ollama's native API, and `.../chat/
// completions` is the OpenAI-compatible one. Providers that need platform
// signing or templated endpoints (Bedrock, Azure OpenAI, Vertex) and
// Gemini's own API have no implementation here yet, so calls to them keep
// failing with the "no transport" error instead of sending a wrong request.

import type { Vm } from "../../vm/vm.ts";
import { lookupCapabilities } from "../catalog/capabilities.ts";
import { BUILTIN_PROVIDERS, type ProviderDef } from "../catalog/providers.ts";
import type { LlmProvider } from "../provider.ts";
import { type LlmState, llmStateOf, registerLlmProvider } from "../state.ts";
import type { Transport } from "../transport/types.ts";
import { anthropicProvider } from "./anthropic.ts";
import type { ProviderEnvironment } from "./http-exchange.ts";
import { ollamaProvider } from "./ollama.ts";
import { openAiCompatibleProvider } from "./openai-compatible.ts";

/** The wire protocol a catalog entry speaks, if this runtime implements it. */
export function wireProtocolOf(def: ProviderDef): "anthropic" | "ollama" | "openai" | undefined {
  if (def.chatEndpoint.includes("{") || def.authStyle === "aws_sigv4" || def.authStyle === "azure_openai") {
    return undefined;
  }
  if (def.chatEndpoint.endsWith("/messages")) return "anthropic";
  if (def.chatEndpoint.endsWith("/api/chat")) return "ollama";
  if (def.chatEndpoint.endsWith("/chat/completions")) return "openai";
  return undefined;
}

/** The HTTP provider for catalog entry `name`, or undefined when its protocol is not implemented. */
export function httpProviderFor(
  name: string,
  def: ProviderDef,
  env: ProviderEnvironment,
): LlmProvider | undefined {
  switch (wireProtocolOf(def)) {
    case "anthropic":
      return anthropicProvider(name, def, env);
    case "ollama":
      return ollamaProvider(name, def, env);
    case "openai":
      return openAiCompatibleProvider(name, def, env);
    case undefined:
      return undefined;
  }
}

/** The environment providers see: the VM's LLM host (env, clock, capability overrides) and `transport`. */
export function providerEnvironment(state: LlmState, transport: Transport): ProviderEnvironment {
  return {
    transport,
    env: (name) => state.env(name),
    now: () => state.host.now(),
    capabilities: (provider, model) => lookupCapabilities(provider, model, state.capabilityOverrides),
  };
}

/**
 * Registers an HTTP provider for every catalog entry whose protocol is
 * implemented, sending through `transport`. A provider registered earlier
 * under the same name is replaced; register custom ones afterwards.
 */
export function registerHttpProviders(vm: Vm, transport: Transport): void {
  const state = llmStateOf(vm);
  const env = providerEnvironment(state, transport);
  for (const [name, def] of Object.entries(BUILTIN_PROVIDERS)) {
    const provider = httpProviderFor(name, def, env);
    if (provider) registerLlmProvider(vm, provider);
  }
}
