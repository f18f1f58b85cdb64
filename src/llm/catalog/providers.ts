// The built-in provider catalog: where each provider lives, how it
// authenticates and what it costs by default. Facts follow the reference
// runtime's defaults (spec: "LLM providers"); `llm_config`,
// `llm_providers`, key resolution and healthchecks read this table.

export interface HealthcheckDef {
  readonly method: string;
  /** Appended to the base URL. */
  readonly path?: string;
  /** Absolute URL used instead of base URL + path. */
  readonly url?: string;
  readonly body?: string;
}

export interface ProviderDef {
  readonly baseUrl: string;
  readonly baseUrlEnv?: string;
  /** `bearer`, `header`, `none`, or a platform scheme (`aws_sigv4`, `azure_openai`). */
  readonly authStyle: string;
  readonly authHeader?: string;
  /** Environment variables that may hold the key, in lookup order. */
  readonly authEnv: readonly string[];
  readonly extraHeaders?: Readonly<Record<string, string>>;
  readonly chatEndpoint: string;
  readonly completionEndpoint?: string;
  readonly healthcheck?: HealthcheckDef;
  readonly features?: readonly string[];
  readonly costPer1kIn?: number;
  readonly costPer1kOut?: number;
  readonly latencyP50Ms?: number;
}

const get = (path: string): HealthcheckDef => ({ method: "GET", path });

/** OpenAI-compatible hosted services share endpoints and bearer auth. */
function compatible(
  baseUrl: string,
  baseUrlEnv: string | undefined,
  keyEnv: readonly string[],
  cost: [number, number],
  latencyP50Ms: number,
  healthcheck: HealthcheckDef = get("/models"),
): ProviderDef {
  return {
    baseUrl,
    ...(baseUrlEnv !== undefined && { baseUrlEnv }),
    authStyle: "bearer",
    authEnv: keyEnv,
    chatEndpoint: "/chat/completions",
    completionEndpoint: "/completions",
    healthcheck,
    costPer1kIn: cost[0],
    costPer1kOut: cost[1],
    latencyP50Ms,
  };
}

/** Keyless servers on this machine (vLLM, TGI, llama.cpp-style). */
function localServer(
  baseUrl: string,
  baseUrlEnv: string,
  latencyP50Ms: number,
  health = "/v1/models",
): ProviderDef {
  return {
    baseUrl,
    baseUrlEnv,
    authStyle: "none",
    authEnv: [],
    chatEndpoint: "/v1/chat/completions",
    completionEndpoint: "/v1/completions",
    healthcheck: get(health),
    costPer1kIn: 0,
    costPer1kOut: 0,
    latencyP50Ms,
  };
}

export const BUILTIN_PROVIDERS: Readonly<Record<string, ProviderDef>> = {
  anthropic: {
    baseUrl: "https://api.anthropic.com/v1",
    authStyle: "header",
    authHeader: "x-api-key",
    authEnv: ["ANTHROPIC_API_KEY"],
    extraHeaders: { "anthropic-version": "2023-06-01" },
    chatEndpoint: "/messages",
    healthcheck: {
      method: "POST",
      path: "/messages/count_tokens",
      body: '{"model":"claude-sonnet-4-20250514","messages":[{"role":"user","content":"x"}]}',
    },
    features: ["prompt_caching", "thinking"],
    costPer1kIn: 0.003,
    costPer1kOut: 0.015,
    latencyP50Ms: 2500,
  },
  openai: compatible("https://api.openai.com/v1", undefined, ["OPENAI_API_KEY"], [0.0025, 0.01], 1800),
  openrouter: compatible(
    "https://openrouter.ai/api/v1",
    undefined,
    ["OPENROUTER_API_KEY"],
    [0.003, 0.015],
    2200,
    get("/auth/key"),
  ),
  huggingface: compatible(
    "https://router.huggingface.co/v1",
    undefined,
    ["HF_TOKEN", "HUGGINGFACE_API_KEY"],
    [0.0002, 0.0006],
    2400,
    { method: "GET", url: "https://huggingface.co/api/whoami-v2" },
  ),
  ollama: {
    baseUrl: "http://localhost:11434",
    baseUrlEnv: "OLLAMA_HOST",
    authStyle: "none",
    authEnv: [],
    chatEndpoint: "/api/chat",
    completionEndpoint: "/api/generate",
    healthcheck: get("/api/tags"),
    costPer1kIn: 0,
    costPer1kOut: 0,
    latencyP50Ms: 1200,
  },
  gemini: {
    baseUrl: "https://generativelanguage.googleapis.com",
    baseUrlEnv: "GEMINI_BASE_URL",
    authStyle: "header",
    authHeader: "x-goog-api-key",
    authEnv: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    chatEndpoint: "/v1beta/models",
    healthcheck: get("/v1beta/models"),
    costPer1kIn: 0.00125,
    costPer1kOut: 0.005,
    latencyP50Ms: 1800,
  },
  together: compatible(
    "https://api.together.xyz/v1",
    "TOGETHER_AI_BASE_URL",
    ["TOGETHER_AI_API_KEY"],
    [0.0002, 0.0006],
    1600,
  ),
  groq: compatible(
    "https://api.groq.com/openai/v1",
    "GROQ_BASE_URL",
    ["GROQ_API_KEY"],
    [0.0001, 0.0003],
    450,
  ),
  deepseek: compatible(
    "https://api.deepseek.com/v1",
    "DEEPSEEK_BASE_URL",
    ["DEEPSEEK_API_KEY"],
    [0.00014, 0.00028],
    1800,
  ),
  fireworks: compatible(
    "https://api.fireworks.ai/inference/v1",
    "FIREWORKS_BASE_URL",
    ["FIREWORKS_API_KEY"],
    [0.0002, 0.0006],
    1400,
  ),
  dashscope: compatible(
    "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    "DASHSCOPE_BASE_URL",
    ["DASHSCOPE_API_KEY"],
    [0.0003, 0.0012],
    1600,
  ),
  bedrock: {
    baseUrl: "",
    baseUrlEnv: "BEDROCK_BASE_URL",
    authStyle: "aws_sigv4",
    authEnv: [],
    chatEndpoint: "/model/{model}/converse",
    features: ["native_tools"],
    latencyP50Ms: 2600,
  },
  azure_openai: {
    baseUrl: "https://{resource}.openai.azure.com",
    baseUrlEnv: "AZURE_OPENAI_ENDPOINT",
    authStyle: "azure_openai",
    authEnv: ["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_BEARER_TOKEN"],
    chatEndpoint: "/openai/deployments/{deployment}/chat/completions?api-version={api_version}",
    features: ["native_tools"],
    costPer1kIn: 0.0025,
    costPer1kOut: 0.01,
    latencyP50Ms: 1900,
  },
  vertex: {
    baseUrl: "https://aiplatform.googleapis.com/v1",
    baseUrlEnv: "VERTEX_AI_BASE_URL",
    authStyle: "bearer",
    authEnv: ["VERTEX_AI_ACCESS_TOKEN", "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS"],
    chatEndpoint: "/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent",
    features: ["native_tools"],
    costPer1kIn: 0.00125,
    costPer1kOut: 0.005,
    latencyP50Ms: 2100,
  },
  local: localServer("http://localhost:8000", "LOCAL_LLM_BASE_URL", 900),
  mlx: localServer("http://127.0.0.1:8002", "MLX_BASE_URL", 900),
  vllm: localServer("http://localhost:8000", "VLLM_BASE_URL", 800),
  tgi: localServer("http://localhost:8080", "TGI_BASE_URL", 950, "/health"),
};

/** Provider names the runtime dispatches to even without a catalog entry. */
export const REGISTERED_PROVIDER_NAMES: readonly string[] = ["mock", ...Object.keys(BUILTIN_PROVIDERS)];

/** Providers whose platform auth is resolved inside the provider itself. */
export const PLATFORM_AUTH_PROVIDERS: ReadonlySet<string> = new Set(["bedrock", "vertex"]);
