// The transcript an `llm_call` result carries (`result.transcript`): the
// request's messages plus the assistant reply, with a `provider_payload`
// event (model, tokens, tool calls) and the private reasoning when the
// model returned any — the same shape agent loops produce, so the
// transcript_* builtins work on single calls too.

import type { Dict, Value } from "../../vm/values.ts";
import { appliedJson, experimentOf } from "../experiments/apply.ts";
import { isJsonObject, type JsonObject, valueToJson } from "../json.ts";
import type { Options } from "../option-values.ts";
import { parseMessages } from "../request-content.ts";
import { type AgentToolCall, assistantResponseMessage, messagesToValues } from "./messages.ts";
import { newTranscript, transcriptEvent } from "./transcript.ts";

function text(result: Dict, key: string): string | null {
  const v = result.get(key);
  return typeof v === "string" ? v : null;
}

function toolCalls(result: Dict): AgentToolCall[] {
  const calls = result.get("tool_calls");
  if (!Array.isArray(calls)) return [];
  return calls
    .map((c) => valueToJson(c))
    .filter(isJsonObject)
    .map((c) => ({
      id: typeof c.id === "string" ? c.id : "",
      name: typeof c.name === "string" ? c.name : "",
      arguments: c.arguments ?? {},
    }));
}

/** The transcript of one call made with `prompt` and `options`, which returned `result`. */
export function callTranscript(prompt: string, options: Options, result: Dict): Dict {
  const provider = text(result, "provider") ?? "";
  const blocks = result.get("blocks");
  const blockJson = Array.isArray(blocks) ? blocks.map((b) => valueToJson(b)).filter(isJsonObject) : [];
  const thinking = text(result, "thinking");
  const calls = toolCalls(result);
  // A structural experiment changed what was sent; the transcript shows that request.
  const experiment = experimentOf(result);
  const messages: JsonObject[] = [
    ...(experiment?.messages ?? parseMessages(options, prompt)),
    assistantResponseMessage(text(result, "text") ?? "", blockJson, calls, thinking, provider),
  ];
  const events: Value[] = [
    transcriptEvent("provider_payload", "assistant", "internal", "", {
      model: text(result, "model"),
      input_tokens: valueToJson(result.get("input_tokens")),
      output_tokens: valueToJson(result.get("output_tokens")),
      tool_calls: calls.map((c) => ({ id: c.id, type: "tool_call", name: c.name, arguments: c.arguments })),
      thinking_summary: text(result, "thinking_summary"),
      structural_experiment: experiment === undefined ? null : appliedJson(experiment.experiment),
    }),
  ];
  if (thinking) events.push(transcriptEvent("private_reasoning", "assistant", "private", thinking));
  const summary = text(result, "thinking_summary");
  if (summary) events.push(transcriptEvent("thinking_summary", "assistant", "private", summary));
  return newTranscript({ messages: messagesToValues(messages), extraEvents: events, state: "active" });
}
