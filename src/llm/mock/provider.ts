// The deterministic `mock` provider (DESIGN §8): answers from the
// `llm_mock` queue when a scripted response matches, otherwise calls the
// first offered tool with placeholder arguments, otherwise says
// `Mock response to <N>-word prompt: <first 100 chars>`. Every request is
// logged for `llm_mock_calls()`. With `cache: true` the first sight of a
// prompt counts as a cache write and repeats as cache reads.

import { LlmError } from "../errors.ts";
import { collectStrings, isJsonObject, type JsonObject, type JsonValue, utf8Length } from "../json.ts";
import {
  type LlmProvider,
  type LlmRequest,
  type LlmResponse,
  type ToolCall,
  thinkingJson,
} from "../provider.ts";
import type { MockRegistry, MockSpec } from "./registry.ts";

/** All text of the conversation, newline-joined: what `match` globs see. */
function matchText(messages: readonly JsonObject[]): string {
  return messages.flatMap((m) => collectStrings(m)).join("\n");
}

/** Text of the last message that has any: what the default reply quotes. */
function lastPromptText(messages: readonly JsonObject[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const content = messages[i]!.content;
    if (content === undefined) continue;
    const text = collectStrings(content).join("\n");
    if (text.trim() !== "") return text;
  }
  return "";
}

const textBlock = (text: string): JsonObject => ({ type: "output_text", text, visibility: "public" });

function toolBlock(call: ToolCall): JsonObject {
  return {
    type: "tool_call",
    id: call.id,
    name: call.name,
    arguments: call.arguments,
    visibility: "internal",
  };
}

function fromSpec(spec: MockSpec, inputDefault: number): LlmResponse {
  const toolCalls = spec.toolCalls.map((tc, i): ToolCall => {
    const d = isJsonObject(tc) ? tc : {};
    return {
      id: `mock_call_${i + 1}`,
      name: typeof d.name === "string" ? d.name : "unknown",
      arguments: d.arguments ?? {},
    };
  });
  const blocks = [...(spec.text === "" ? [] : [textBlock(spec.text)]), ...toolCalls.map(toolBlock)];
  return {
    text: spec.text,
    toolCalls,
    usage: {
      inputTokens: spec.inputTokens ?? inputDefault,
      outputTokens: spec.outputTokens ?? 30,
      cacheReadTokens: spec.cacheReadTokens ?? 0,
      cacheWriteTokens: spec.cacheWriteTokens ?? 0,
    },
    model: spec.model,
    provider: "mock",
    thinking: spec.thinking,
    thinkingSummary: spec.thinkingSummary,
    stopReason: spec.stopReason,
    blocks,
  };
}

const PLACEHOLDERS: Readonly<Record<string, JsonValue>> = {
  integer: 0,
  number: 0,
  boolean: false,
  array: [],
  object: {},
};

/** Placeholder values for a tool's required parameters, so the call validates. */
function requiredArgs(tool: JsonObject): JsonObject {
  const fn = isJsonObject(tool.function) ? tool.function : undefined;
  const schema = tool.input_schema ?? tool.inputSchema ?? fn?.parameters ?? tool.parameters;
  const args: JsonObject = {};
  if (!isJsonObject(schema) || !isJsonObject(schema.properties)) return args;
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [],
  );
  for (const [name, prop] of Object.entries(schema.properties)) {
    if (!required.has(name)) continue;
    const type = isJsonObject(prop) && typeof prop.type === "string" ? prop.type : "string";
    args[name] = PLACEHOLDERS[type] ?? "";
  }
  return args;
}

function callFirstTool(tool: JsonObject, request: LlmRequest, promptText: string): LlmResponse {
  const fn = isJsonObject(tool.function) ? tool.function : undefined;
  const name = typeof tool.name === "string" ? tool.name : typeof fn?.name === "string" ? fn.name : "unknown";
  const call: ToolCall = { id: "mock_call_1", name, arguments: requiredArgs(tool) };
  return {
    text: "",
    toolCalls: [call],
    usage: { inputTokens: utf8Length(promptText), outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 },
    model: request.model,
    provider: "mock",
    thinking: null,
    thinkingSummary: null,
    stopReason: null,
    blocks: [toolBlock(call)],
  };
}

function defaultReply(request: LlmRequest, promptText: string): LlmResponse {
  const words = promptText.split(/\s+/).filter((w) => w !== "").length;
  const prose =
    promptText === ""
      ? "Mock LLM response"
      : `Mock response to ${words}-word prompt: ${Array.from(promptText).slice(0, 100).join("")}`;
  // Agent prompts that use the tagged text protocol expect a done marker.
  const text = request.system?.includes("<done>")
    ? `<assistant_prose>${prose}</assistant_prose>\n<done>##DONE##</done>`
    : prose;
  return {
    text,
    toolCalls: [],
    usage: { inputTokens: utf8Length(promptText), outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 0 },
    model: request.model,
    provider: "mock",
    thinking: null,
    thinkingSummary: null,
    stopReason: null,
    blocks: [textBlock(text)],
  };
}

/** Simulated prompt caching: first sight writes the prompt's tokens, repeats read them. */
function withPromptCache(response: LlmResponse, registry: MockRegistry, key: string): LlmResponse {
  const u = response.usage;
  if (u.cacheReadTokens > 0 || u.cacheWriteTokens > 0 || u.inputTokens <= 0) return response;
  const written = registry.cacheWrite(key);
  const usage = written
    ? { ...u, cacheWriteTokens: u.inputTokens }
    : { ...u, cacheReadTokens: u.inputTokens };
  return { ...response, usage };
}

/** Answers one request from the registry; throws the scripted `LlmError` for error mocks. */
export function mockRespond(registry: MockRegistry, request: LlmRequest): LlmResponse {
  registry.record({
    messages: request.messages,
    system: request.system,
    tools: request.tools,
    thinking: thinkingJson(request.thinking),
  });
  const text = matchText(request.messages);
  const promptText = lastPromptText(request.messages);
  const spec = registry.take(text);
  let response: LlmResponse;
  if (spec?.error) throw new LlmError(spec.error.category, spec.error.message, spec.error.retryAfterMs);
  if (spec) response = fromSpec(spec, utf8Length(text));
  else if (request.tools && request.tools.length > 0)
    response = callFirstTool(request.tools[0]!, request, promptText);
  else response = defaultReply(request, promptText);
  if (!request.cache) return response;
  const key = JSON.stringify({ model: request.model, system: request.system, messages: request.messages });
  return withPromptCache(response, registry, key);
}

export function createMockProvider(registry: MockRegistry): LlmProvider {
  return {
    name: "mock",
    generate: (request) => Promise.resolve().then(() => mockRespond(registry, request)),
    stream: (request, onDelta) =>
      Promise.resolve().then(() => {
        const response = mockRespond(registry, request);
        if (response.text !== "") onDelta(response.text);
        return response;
      }),
  };
}
