// Conversation messages in the agent loop. The loop keeps its history as
// provider JSON (what goes on the wire); transcripts hold Harn values.
// These helpers shape the assistant turns, tool results and runtime
// feedback the loop appends, in the provider family's native form
// (Anthropic content blocks, Ollama tool calls, OpenAI-compatible
// `tool` role), and convert between the two representations.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import {
  dictToJson,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  jsonToValue,
  valueToJson,
} from "../json.ts";

export interface AgentToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: JsonValue;
}

const isAnthropicStyle = (provider: string): boolean => provider === "anthropic";

/** The assistant turn that carried `calls` (in the provider family's own shape). */
export function assistantToolMessage(
  text: string,
  calls: readonly AgentToolCall[],
  provider: string,
): JsonObject {
  if (isAnthropicStyle(provider)) {
    const content: JsonValue[] = text === "" ? [] : [{ type: "text", text }];
    for (const c of calls) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.arguments });
    return { role: "assistant", content };
  }
  if (provider === "ollama") {
    const msg: JsonObject = {
      role: "assistant",
      tool_calls: calls.map((c, index) => ({
        type: "function",
        function: { index, name: c.name, arguments: c.arguments },
      })),
    };
    if (text !== "") msg.content = text;
    return msg;
  }
  return {
    role: "assistant",
    content: text,
    tool_calls: calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: JSON.stringify(c.arguments ?? null) },
    })),
  };
}

/** One tool's result as the next user-side turn. */
export function toolResultMessage(
  callId: string,
  toolName: string,
  result: string,
  provider: string,
): JsonObject {
  if (isAnthropicStyle(provider)) {
    return { role: "user", content: [{ type: "tool_result", tool_use_id: callId, content: result }] };
  }
  if (provider === "ollama") return { role: "tool", tool_name: toolName, content: result };
  return { role: "tool", tool_call_id: callId, content: result };
}

/** A final assistant reply for transcripts: structured blocks when the provider gave them. */
export function assistantResponseMessage(
  text: string,
  blocks: readonly JsonObject[],
  calls: readonly AgentToolCall[],
  reasoning: string | null,
  provider: string,
): JsonObject {
  const msg =
    calls.length > 0
      ? assistantToolMessage(text, calls, provider)
      : blocks.length > 0
        ? { role: "assistant", content: [...blocks] }
        : { role: "assistant", content: text };
  if (reasoning !== null && reasoning !== "") msg.reasoning = reasoning;
  return msg;
}

const escapeKind = (kind: string): string =>
  kind.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A runtime-authored user turn (nudges, tool-result digests, gate feedback). */
export function feedbackMessage(kind: string, content: string): JsonObject {
  return {
    role: "user",
    content: `<runtime_feedback kind="${escapeKind(kind)}">\n${content.trim()}\n</runtime_feedback>`,
  };
}

/** Wire messages as transcript message values; tool turns keep every field. */
export function messagesToValues(messages: readonly JsonObject[]): Value[] {
  const out: Value[] = [];
  for (const msg of messages) {
    const role = msg.role;
    if (typeof role !== "string") continue;
    if (role === "tool" || msg.tool_calls !== undefined) {
      out.push(jsonToValue(msg));
      continue;
    }
    const content = msg.content;
    if (typeof content === "string") {
      out.push(Dict.of({ role, content }));
      continue;
    }
    if (Array.isArray(content)) {
      const toolResult =
        role === "user" ? content.find((b) => isJsonObject(b) && b.type === "tool_result") : undefined;
      if (isJsonObject(toolResult)) {
        out.push(
          Dict.of({
            role: "tool_result",
            tool_use_id: typeof toolResult.tool_use_id === "string" ? toolResult.tool_use_id : "",
            content: typeof toolResult.content === "string" ? toolResult.content : "",
          }),
        );
        continue;
      }
      out.push(Dict.of({ role, content: jsonToValue(content) }));
      continue;
    }
    if (content !== undefined) out.push(Dict.of({ role, content: jsonToValue(content) }));
  }
  return out;
}

/** Transcript message values as wire messages (`tool_result` turns become user tool_result blocks). */
export function valuesToMessages(messages: readonly Value[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const m of messages) {
    if (!(m instanceof Dict)) continue;
    const role = m.map.has("role") ? display(m.get("role")) : "user";
    const raw = m.map.get("content");
    const content: JsonValue = raw === undefined || raw === null ? "" : valueToJson(raw);
    if (role === "tool_result") {
      const rendered = typeof content === "string" ? content : JSON.stringify(content);
      const id = m.map.has("tool_use_id") ? display(m.get("tool_use_id")) : "";
      out.push({ role: "user", content: [{ type: "tool_result", tool_use_id: id, content: rendered }] });
      continue;
    }
    out.push({ ...dictToJson(m), role, content });
  }
  return out;
}

/** The text of a wire message's content (strings only; structured content counts as empty). */
export function contentText(message: JsonObject): string {
  return typeof message.content === "string" ? message.content : "";
}
