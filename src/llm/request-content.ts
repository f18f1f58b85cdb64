// The conversation and tools of a call as provider JSON: `messages` (else
// one user turn holding the prompt; `tool_result` turns become user turns
// with a tool_result block) and tool definitions (a list, or a registry
// dict holding `tools`; callables stay on the Harn side).

import { display } from "../vm/display.ts";
import { Dict, type Value } from "../vm/values.ts";
import { dictToJson, isJsonObject, type JsonObject, type JsonValue, valueToJson } from "./json.ts";
import { type Options, optValue } from "./option-values.ts";

export function parseMessages(o: Options, prompt: string): JsonObject[] {
  const list = optValue(o, "messages");
  if (!Array.isArray(list)) return [{ role: "user", content: prompt }];
  const out: JsonObject[] = [];
  for (const m of list) {
    if (!(m instanceof Dict)) continue;
    const role = m.map.has("role") ? display(m.get("role")) : "user";
    const content = m.map.has("content") ? valueToJson(m.get("content")) : "";
    if (role === "tool_result") {
      const rendered = typeof content === "string" ? content : JSON.stringify(content);
      const id = m.map.has("tool_use_id") ? display(m.get("tool_use_id")) : "";
      out.push({ role: "user", content: [{ type: "tool_result", tool_use_id: id, content: rendered }] });
    } else {
      out.push({ ...dictToJson(m), role, content });
    }
  }
  return out;
}

function isImageBlock(j: JsonValue | undefined): boolean {
  return isJsonObject(j) && (j.type === "image" || j.type === "image_url" || j.type === "input_image");
}

export function containsImages(messages: readonly JsonObject[]): boolean {
  return messages.some((m) => {
    if (Array.isArray(m.images) && m.images.length > 0) return true;
    const c = m.content;
    return Array.isArray(c) ? c.some(isImageBlock) : isImageBlock(c);
  });
}

function toolJson(tool: Dict): JsonObject {
  const out: JsonObject = {};
  for (const key of tool.keys()) {
    const v = tool.get(key);
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Dict)) continue;
    out[key] = valueToJson(v);
  }
  return out;
}

export function parseTools(v: Value | undefined): JsonObject[] | null {
  const list = v instanceof Dict ? v.map.get("tools") : v;
  if (!Array.isArray(list)) return null;
  return list.filter((t): t is Dict => t instanceof Dict).map(toolJson);
}
