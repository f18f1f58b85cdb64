// Capability lookup: the first matching rule for (provider, model), trying
// script-installed overrides before the shipped matrix at each step and
// walking up the provider's family (openrouter -> openai). The mock
// provider impersonates Anthropic or OpenAI depending on the model id, so
// tests can exercise either shape. Used by `provider_capabilities`,
// `llm_model_info` and the option gates of `llm_call` (vision, cache,
// thinking, structured output).

import { BUILTIN_CAPABILITIES, type CapabilityFile, type CapabilityRule } from "./capability-rules.ts";

export interface Capabilities {
  readonly nativeTools: boolean;
  readonly deferLoading: boolean;
  readonly toolSearch: readonly string[];
  readonly maxTools: number | null;
  readonly promptCaching: boolean;
  readonly vision: boolean;
  readonly audio: boolean;
  readonly pdf: boolean;
  readonly structuredOutput: string | null;
  readonly thinkingModes: readonly string[];
  readonly interleavedThinking: boolean;
  readonly anthropicBetaFeatures: readonly string[];
  readonly visionSupported: boolean;
  readonly preserveThinking: boolean;
  readonly serverParser: string;
  readonly honorsChatTemplateKwargs: boolean;
  readonly requiresCompletionTokens: boolean;
  readonly reasoningEffortSupported: boolean;
  readonly recommendedEndpoint: string | null;
  readonly textToolWireFormat: boolean;
}

export const NO_CAPABILITIES: Capabilities = ruleToCapabilities({ model_match: "*" });

function ruleToCapabilities(rule: CapabilityRule): Capabilities {
  const structured = rule.structured_output ?? rule.json_schema ?? null;
  return {
    nativeTools: rule.native_tools ?? false,
    deferLoading: rule.defer_loading ?? false,
    toolSearch: rule.tool_search ?? [],
    maxTools: rule.max_tools ?? null,
    promptCaching: rule.prompt_caching ?? false,
    vision: rule.vision ?? rule.vision_supported ?? false,
    audio: rule.audio ?? false,
    pdf: rule.pdf ?? false,
    structuredOutput: structured === "none" ? null : structured,
    thinkingModes: rule.thinking_modes ?? (rule.thinking ? ["enabled"] : []),
    interleavedThinking: rule.interleaved_thinking_supported ?? false,
    anthropicBetaFeatures: rule.anthropic_beta_features ?? [],
    visionSupported: rule.vision_supported ?? false,
    preserveThinking: rule.preserve_thinking ?? false,
    serverParser: rule.server_parser ?? "none",
    honorsChatTemplateKwargs: rule.honors_chat_template_kwargs ?? false,
    requiresCompletionTokens: rule.requires_completion_tokens ?? false,
    reasoningEffortSupported: rule.reasoning_effort_supported ?? false,
    recommendedEndpoint: rule.recommended_endpoint ?? null,
    textToolWireFormat: rule.text_tool_wire_format_supported ?? true,
  };
}

/** The `[major, minor]` after a family word (`opus-4-7`, `sonnet-4.6`, `gpt-5.4`); dates are not minors. */
function versionAfter(tail: string): [number, number] | undefined {
  const dotted = /^(\d+)\.(\d+)/.exec(tail);
  if (dotted) return [Number(dotted[1]), Number(dotted[2])];
  const [majorText, minorText] = tail.split("-");
  if (majorText === undefined || !/^\d+$/.test(majorText)) return undefined;
  const minor = minorText !== undefined && /^\d+$/.test(minorText) ? Number(minorText) : 0;
  return [Number(majorText), minor >= 1000 ? 0 : minor];
}

export function claudeGeneration(model: string): [number, number] | undefined {
  const lower = model.toLowerCase();
  if (!lower.startsWith("claude-") && !lower.includes("/claude-")) return undefined;
  for (const family of ["opus-", "sonnet-", "haiku-"]) {
    const at = lower.indexOf(family);
    if (at >= 0) return versionAfter(lower.slice(at + family.length));
  }
  return undefined;
}

export function gptGeneration(model: string): [number, number] | undefined {
  const lower = model.toLowerCase();
  const last = lower.slice(lower.lastIndexOf("/") + 1);
  const at = last.indexOf("gpt-");
  return at < 0 ? undefined : versionAfter(last.slice(at + 4));
}

/** `*x*`, `x*`, `*x`, `a*b` or an exact id, case-insensitively. */
function ruleGlob(pattern: string, input: string): boolean {
  if (pattern.endsWith("*")) {
    const prefix = pattern.slice(0, -1);
    return prefix.startsWith("*") ? input.includes(prefix.slice(1)) : input.startsWith(prefix);
  }
  if (pattern.startsWith("*")) return input.endsWith(pattern.slice(1));
  const parts = pattern.split("*");
  if (parts.length === 2) return input.startsWith(parts[0]!) && input.endsWith(parts[1]!);
  return input === pattern;
}

function ruleMatches(rule: CapabilityRule, model: string): boolean {
  if (!ruleGlob(rule.model_match.toLowerCase(), model.toLowerCase())) return false;
  const min = rule.version_min;
  if (min === undefined) return true;
  if (min.length !== 2) return false;
  const have = claudeGeneration(model) ?? gptGeneration(model);
  if (have === undefined) return false;
  return have[0] > min[0]! || (have[0] === min[0]! && have[1] >= min[1]!);
}

function matchLayer(
  files: readonly CapabilityFile[],
  provider: string,
  model: string,
): Capabilities | undefined {
  for (const file of files) {
    const rule = file.provider[provider]?.find((r) => ruleMatches(r, model));
    if (rule) return ruleToCapabilities(rule);
  }
  return undefined;
}

/** What `model` can do on `provider`, with `overrides` (if any) taking precedence. */
export function lookupCapabilities(
  provider: string,
  model: string,
  overrides: CapabilityFile | null,
): Capabilities {
  const files = overrides ? [overrides, BUILTIN_CAPABILITIES] : [BUILTIN_CAPABILITIES];
  if (provider === "mock") {
    return matchLayer(files, "anthropic", model) ?? matchLayer(files, "openai", model) ?? NO_CAPABILITIES;
  }
  const seen = new Set<string>();
  for (let current: string | undefined = provider; current !== undefined && !seen.has(current); ) {
    seen.add(current);
    const found = matchLayer(files, current, model);
    if (found) return found;
    current = overrides?.provider_family[current] ?? BUILTIN_CAPABILITIES.provider_family[current];
  }
  return NO_CAPABILITIES;
}

/** Reads override rules from parsed TOML (`[[provider.<name>]]` tables, optional `[provider_family]`). */
export function capabilityFileFrom(parsed: unknown): CapabilityFile {
  const root = asRecord(parsed, "the TOML document");
  const provider: Record<string, CapabilityRule[]> = {};
  for (const [name, rules] of Object.entries(asRecord(root.provider ?? {}, "`provider`"))) {
    if (!Array.isArray(rules))
      throw new Error(`provider.${name} must be an array of tables ([[provider.${name}]])`);
    provider[name] = rules.map((r, i) => {
      const rule = asRecord(r, `provider.${name}[${i}]`);
      if (typeof rule.model_match !== "string")
        throw new Error(`provider.${name}[${i}]: missing model_match`);
      return rule as unknown as CapabilityRule;
    });
  }
  const family: Record<string, string> = {};
  for (const [name, parent] of Object.entries(asRecord(root.provider_family ?? {}, "`provider_family`"))) {
    family[name] = String(parent);
  }
  return { provider, provider_family: family };
}

function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${what} must be a table`);
  return v as Record<string, unknown>;
}
