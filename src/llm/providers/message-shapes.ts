// Conversation messages in each family's wire shape. The agent loop
// already writes tool turns in the provider's own shape, but transcripts
// restored from another provider, `messages:` a script wrote, and the
// `tool_result` role (which arrives as an Anthropic-style user turn) may
// not match. Each converter accepts both families' tool turns and emits
// its own, so a conversation can move between providers:
//   OpenAI:    assistant `tool_calls` (arguments as JSON text), `tool` role
//   Anthropic: `tool_use` blocks in assistant content, `tool_result` blocks
//              in one user turn, system text outside the message list
//   Ollama:    like OpenAI, but arguments as objects and string content

import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import {
  anthropicContent,
  argumentsObject,
  base64Images,
  contentAsText,
  isPrivateBlock,
  openAiContent,
} from "./content-blocks.ts";

/** One tool call, whichever family's shape it came in. */
interface NeutralCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: JsonValue;
}

const blocksOf = (content: JsonValue | undefined): JsonValue[] => (Array.isArray(content) ? content : []);
const ofType = (block: JsonValue, type: string): block is JsonObject =>
  isJsonObject(block) && block.type === type;
const text = (v: JsonValue | undefined): string => (typeof v === "string" ? v : "");

/** Calls in OpenAI/Ollama `tool_calls` form. */
function callsFromToolCalls(message: JsonObject): NeutralCall[] {
  return blocksOf(message.tool_calls)
    .filter(isJsonObject)
    .map((call, index) => {
      const fn = isJsonObject(call.function) ? call.function : call;
      return {
        id: text(call.id) || `call_${index}`,
        name: text(fn.name),
        arguments: argumentsObject(fn.arguments),
      };
    });
}

/** Calls held as content blocks (`tool_use`, or the canonical `tool_call`). */
function callsFromBlocks(content: JsonValue | undefined): NeutralCall[] {
  return blocksOf(content)
    .filter((b): b is JsonObject => ofType(b, "tool_use") || ofType(b, "tool_call"))
    .map((b) => ({
      id: text(b.id),
      name: text(b.name),
      arguments: b.type === "tool_use" ? (b.input ?? {}) : argumentsObject(b.arguments),
    }));
}

/** Text of content that is not a tool call or private block. */
function visibleText(content: JsonValue | undefined): string {
  if (typeof content === "string") return content;
  return blocksOf(content)
    .filter((b) => !ofType(b, "tool_use") && !ofType(b, "tool_call") && !isPrivateBlock(b))
    .map((b) => (isJsonObject(b) ? text(b.text) : typeof b === "string" ? b : ""))
    .join("");
}

function toolResultText(block: JsonObject): string {
  const content = block.content;
  return typeof content === "string" ? content : contentAsText(content);
}

/** The `tool_result` blocks of a user turn, and the rest of its content. */
function splitToolResults(content: JsonValue | undefined): { results: JsonObject[]; rest: JsonValue[] } {
  const results: JsonObject[] = [];
  const rest: JsonValue[] = [];
  for (const b of blocksOf(content)) (ofType(b, "tool_result") ? results : rest).push(b);
  return { results, rest };
}

/** Message fields other than the ones a converter rebuilds. */
function extraFields(message: JsonObject, drop: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(message)) if (!drop.includes(k)) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------
// OpenAI-compatible

function openAiAssistant(message: JsonObject, stripReasoning: boolean): JsonObject {
  const drop = stripReasoning ? ["content", "tool_calls", "reasoning"] : ["content", "tool_calls"];
  const calls =
    message.tool_calls !== undefined ? callsFromToolCalls(message) : callsFromBlocks(message.content);
  if (calls.length === 0) {
    return { ...extraFields(message, drop), role: "assistant", content: openAiContent(message.content) };
  }
  const said = visibleText(message.content);
  return {
    ...extraFields(message, drop),
    role: "assistant",
    content: said === "" ? null : said,
    tool_calls: calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) },
    })),
  };
}

/**
 * Messages for `/chat/completions`. `stripReasoning` drops the `reasoning`
 * field transcripts keep on assistant turns, for servers (OpenAI itself)
 * that reject unknown message fields.
 */
export function openAiMessages(messages: readonly JsonObject[], stripReasoning: boolean): JsonObject[] {
  const out: JsonObject[] = [];
  for (const message of messages) {
    if (message.role === "assistant") {
      out.push(openAiAssistant(message, stripReasoning));
      continue;
    }
    const { results, rest } = splitToolResults(message.content);
    if (message.role === "user" && results.length > 0) {
      for (const r of results)
        out.push({ role: "tool", tool_call_id: text(r.tool_use_id), content: toolResultText(r) });
      if (rest.length > 0) out.push({ role: "user", content: openAiContent(rest) });
      continue;
    }
    out.push({ ...message, content: openAiContent(message.content) });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Anthropic

function anthropicAssistant(message: JsonObject): JsonObject {
  if (message.tool_calls === undefined) {
    return { role: "assistant", content: anthropicContent(message.content) };
  }
  const said = visibleText(message.content);
  const content: JsonValue[] = said === "" ? [] : [{ type: "text", text: said }];
  for (const c of callsFromToolCalls(message)) {
    content.push({
      type: "tool_use",
      id: c.id,
      name: c.name,
      input: isJsonObject(c.arguments) ? c.arguments : {},
    });
  }
  return { role: "assistant", content };
}

/** Appends `block` to the trailing user turn when that turn holds tool results, else opens one. */
function pushToolResult(out: JsonObject[], block: JsonObject): void {
  const last = out.at(-1);
  if (
    last?.role === "user" &&
    Array.isArray(last.content) &&
    last.content.every((b) => ofType(b, "tool_result"))
  ) {
    last.content.push(block);
    return;
  }
  out.push({ role: "user", content: [block] });
}

/**
 * Messages and system text for `/messages`: `system` turns move into the
 * system prompt, OpenAI-style tool turns become tool_use/tool_result
 * blocks, and consecutive tool results share one user turn, as the API
 * requires all results of an assistant turn to arrive together.
 */
export function anthropicMessages(
  messages: readonly JsonObject[],
  system: string | null,
): { messages: JsonObject[]; system: string | null } {
  const out: JsonObject[] = [];
  const systemParts = system === null ? [] : [system];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        systemParts.push(contentAsText(message.content));
        break;
      case "assistant":
        out.push(anthropicAssistant(message));
        break;
      case "tool":
        pushToolResult(out, {
          type: "tool_result",
          tool_use_id: text(message.tool_call_id),
          content: contentAsText(message.content),
        });
        break;
      default: {
        const { results, rest } = splitToolResults(message.content);
        if (results.length > 0 && rest.length === 0) {
          for (const r of results) pushToolResult(out, r);
        } else {
          out.push({ role: message.role ?? "user", content: anthropicContent(message.content) });
        }
      }
    }
  }
  return { messages: out, system: systemParts.length === 0 ? null : systemParts.join("\n\n") };
}

// ---------------------------------------------------------------------------
// Ollama

function ollamaAssistant(message: JsonObject): JsonObject {
  const calls =
    message.tool_calls !== undefined ? callsFromToolCalls(message) : callsFromBlocks(message.content);
  const out: JsonObject = { role: "assistant", content: visibleText(message.content) };
  if (calls.length > 0) {
    out.tool_calls = calls.map((c, index) => ({
      type: "function",
      function: { index, name: c.name, arguments: isJsonObject(c.arguments) ? c.arguments : {} },
    }));
  }
  if (typeof message.thinking === "string") out.thinking = message.thinking;
  return out;
}

/** Messages for Ollama's `/api/chat`: string content, base64 images in `images`, object arguments. */
export function ollamaMessages(messages: readonly JsonObject[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const message of messages) {
    if (message.role === "assistant") {
      out.push(ollamaAssistant(message));
      continue;
    }
    const { results, rest } = splitToolResults(message.content);
    if (message.role === "user" && results.length > 0) {
      for (const r of results) out.push({ role: "tool", content: toolResultText(r) });
      if (rest.length > 0) out.push({ role: "user", content: contentAsText(rest) });
      continue;
    }
    const converted: JsonObject = { ...message, content: contentAsText(message.content) };
    const images = base64Images(message.content);
    if (images.length > 0) converted.images = images;
    out.push(converted);
  }
  return out;
}
