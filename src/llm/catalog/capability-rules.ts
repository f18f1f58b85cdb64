// The shipped capability matrix: per provider, an ordered list of rules
// whose first match (model glob, optional minimum version) decides what a
// model can do. Facts follow the reference runtime's matrix (spec:
// "Provider capabilities"); the layout is ours. A provider without rules
// of its own inherits its family's (`PROVIDER_FAMILY`), and scripts can
// install overrides in the same TOML layout the reference accepts.

/** One rule; absent fields mean "off" (or the default noted in capabilities.ts). */
export interface CapabilityRule {
  readonly model_match: string;
  /** `[major, minor]` the model id's version must reach. */
  readonly version_min?: readonly number[];
  readonly native_tools?: boolean;
  readonly defer_loading?: boolean;
  readonly tool_search?: readonly string[];
  readonly max_tools?: number;
  readonly prompt_caching?: boolean;
  readonly vision?: boolean;
  readonly audio?: boolean;
  readonly pdf?: boolean;
  readonly structured_output?: string;
  readonly json_schema?: string;
  readonly thinking_modes?: readonly string[];
  readonly thinking?: boolean;
  readonly interleaved_thinking_supported?: boolean;
  readonly anthropic_beta_features?: readonly string[];
  readonly vision_supported?: boolean;
  readonly preserve_thinking?: boolean;
  readonly server_parser?: string;
  readonly honors_chat_template_kwargs?: boolean;
  readonly requires_completion_tokens?: boolean;
  readonly reasoning_effort_supported?: boolean;
  readonly recommended_endpoint?: string;
  readonly text_tool_wire_format_supported?: boolean;
}

export interface CapabilityFile {
  readonly provider: Readonly<Record<string, readonly CapabilityRule[]>>;
  readonly provider_family: Readonly<Record<string, string>>;
}

/** Claude 4.x with Anthropic's tool search; `modes` differ by generation. */
function claudeToolSearch(match: string, version: [number, number], modes: string[], interleaved = false) {
  return {
    model_match: match,
    version_min: version,
    native_tools: true,
    defer_loading: true,
    tool_search: ["bm25", "regex"],
    max_tools: 10000,
    prompt_caching: true,
    vision: true,
    vision_supported: true,
    structured_output: "tool_use",
    thinking_modes: modes,
    ...(interleaved && { interleaved_thinking_supported: true }),
  };
}

/** The Claude rules, for bare ids or an `anthropic/` routed prefix. */
function claudeRules(prefix: string): CapabilityRule[] {
  return [
    claudeToolSearch(`${prefix}claude-haiku-*`, [4, 7], ["adaptive"]),
    claudeToolSearch(`${prefix}claude-opus-*`, [4, 7], ["adaptive"], true),
    claudeToolSearch(`${prefix}claude-sonnet-*`, [4, 7], ["adaptive"]),
    claudeToolSearch(`${prefix}claude-haiku-*`, [4, 5], ["enabled"]),
    claudeToolSearch(`${prefix}claude-opus-*`, [4, 6], ["enabled"], true),
    claudeToolSearch(`${prefix}claude-opus-*`, [4, 0], ["enabled"]),
    claudeToolSearch(`${prefix}claude-sonnet-*`, [4, 0], ["enabled"]),
  ];
}

const reasoning = (match: string, vision = false): CapabilityRule => ({
  model_match: match,
  native_tools: true,
  structured_output: "native",
  thinking_modes: ["effort"],
  ...(vision && { vision_supported: true }),
  requires_completion_tokens: true,
  reasoning_effort_supported: true,
});

function openAiRules(prefix: string): CapabilityRule[] {
  return [
    {
      model_match: `${prefix}gpt-4o*`,
      native_tools: true,
      vision: true,
      audio: true,
      structured_output: "native",
      vision_supported: true,
    },
    {
      model_match: `${prefix}gpt-4.1*`,
      native_tools: true,
      vision_supported: true,
      structured_output: "native",
    },
    {
      model_match: `${prefix}gpt-*`,
      version_min: [5, 4],
      native_tools: true,
      defer_loading: true,
      tool_search: ["hosted", "client"],
      vision_supported: true,
      structured_output: "native",
    },
    { model_match: `${prefix}gpt-*`, native_tools: true, structured_output: "native" },
    reasoning(`${prefix}o1*`),
    reasoning(`${prefix}o3*`),
    reasoning(`${prefix}o4*`, true),
  ];
}

/** Qwen 3.x served by an OpenAI-compatible server that parses tool calls itself. */
function qwenServer(
  match: string,
  preserve: boolean,
  honorsKwargs = true,
  modes = ["enabled"],
): CapabilityRule {
  return {
    model_match: match,
    native_tools: true,
    structured_output: "native",
    thinking_modes: modes,
    ...(preserve && { preserve_thinking: true }),
    server_parser: "none",
    honors_chat_template_kwargs: honorsKwargs,
    recommended_endpoint: "/v1/chat/completions",
    text_tool_wire_format_supported: true,
  };
}

const ollamaQwen = (match: string, preserve: boolean): CapabilityRule => ({
  model_match: match,
  native_tools: true,
  structured_output: "format_kw",
  thinking_modes: ["enabled"],
  ...(preserve && { preserve_thinking: true }),
  server_parser: "ollama_qwen3coder",
  honors_chat_template_kwargs: false,
  recommended_endpoint: "/api/generate-raw",
  text_tool_wire_format_supported: false,
});

const visionOnly = (match: string): CapabilityRule => ({ model_match: match, vision_supported: true });

const deepseekV3 = (match: string, modes: string[], honorsKwargs: boolean): CapabilityRule => ({
  model_match: match,
  native_tools: true,
  thinking_modes: modes,
  prompt_caching: true,
  structured_output: "native",
  server_parser: "none",
  honors_chat_template_kwargs: honorsKwargs,
});

const enterprise = (match: string, endpoint: string): CapabilityRule => ({
  model_match: match,
  native_tools: true,
  recommended_endpoint: endpoint,
  text_tool_wire_format_supported: true,
});

const AZURE_ENDPOINT = "/openai/deployments/{deployment}/chat/completions";

export const BUILTIN_CAPABILITIES: CapabilityFile = {
  provider: {
    anthropic: [
      ...claudeRules(""),
      ...claudeRules("anthropic/"),
      {
        model_match: "claude-*",
        native_tools: true,
        prompt_caching: true,
        vision: true,
        structured_output: "tool_use",
        thinking_modes: ["enabled"],
        vision_supported: true,
      },
    ],
    openai: [...openAiRules(""), ...openAiRules("openai/")],
    ollama: [
      visionOnly("llava*"),
      visionOnly("bakllava*"),
      visionOnly("llama3.2-vision*"),
      visionOnly("gemma3*"),
      ollamaQwen("qwen3.6*", true),
      ollamaQwen("qwen3*", false),
    ],
    llamacpp: [qwenServer("*qwen3.6*", true), qwenServer("*qwen3*", false)],
    local: [qwenServer("*qwen3.6*", true), qwenServer("*qwen3*", false)],
    mlx: [
      { ...qwenServer("*qwen3.6*", true), vision: true },
      { ...qwenServer("*qwen3*", false), vision: true },
    ],
    dashscope: [qwenServer("qwen3.6*", true), qwenServer("qwen*", false)],
    fireworks: [qwenServer("*qwen3.6*", true), qwenServer("*qwen3p6*", true), qwenServer("*qwen*", false)],
    openrouter: [
      qwenServer("qwen/qwen3.6*", true, false, ["enabled", "effort"]),
      qwenServer("qwen/*", false, false, ["enabled", "effort"]),
      deepseekV3("deepseek/deepseek-v3*", ["enabled", "effort"], false),
      {
        model_match: "google/gemini-2.5*",
        native_tools: true,
        thinking_modes: ["enabled", "effort"],
        prompt_caching: true,
        vision_supported: true,
        vision: true,
        structured_output: "native",
      },
      { model_match: "google/gemma-4*", native_tools: true, structured_output: "native" },
    ],
    huggingface: [
      qwenServer("qwen/qwen3.6*", true),
      qwenServer("qwen/*", false),
      deepseekV3("deepseek-ai/deepseek-v3*", ["enabled"], true),
    ],
    together: [
      qwenServer("qwen/qwen3.6*", true),
      qwenServer("qwen/*", false),
      deepseekV3("deepseek-ai/deepseek-v3*", ["enabled"], true),
      { model_match: "moonshotai/*", native_tools: true, structured_output: "native" },
    ],
    gemini: [visionOnly("gemini-*"), visionOnly("models/gemini-*")],
    bedrock: [enterprise("*", "/model/{model}/converse")],
    azure_openai: [
      enterprise("gpt-*", AZURE_ENDPOINT),
      enterprise("o1*", AZURE_ENDPOINT),
      enterprise("o3*", AZURE_ENDPOINT),
      enterprise("o4*", AZURE_ENDPOINT),
    ],
    vertex: [
      enterprise(
        "gemini-*",
        "/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent",
      ),
    ],
  },
  provider_family: {
    openrouter: "openai",
    together: "openai",
    groq: "openai",
    deepseek: "openai",
    fireworks: "openai",
    huggingface: "openai",
    local: "openai",
    dashscope: "openai",
    llamacpp: "openai",
    mlx: "openai",
  },
};
