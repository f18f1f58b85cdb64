// Harn values as MCP server payloads: tool results become content blocks
// (text by default; `resource` and `resource_link` dicts pass through),
// prompt handler results become prompt messages, tool parameter dicts
// become an input schema, and tool annotations keep only MCP's hint keys.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { type JsonObject, valueToJson } from "../json.ts";

const text = (t: string): JsonObject => ({ type: "text", text: t });

function field(d: Dict, key: string, fallback: string): string {
  const v = d.map.get(key);
  return v === undefined ? fallback : display(v);
}

/** A tool handler's result as `content` blocks. */
export function toolResultContent(value: Value): JsonObject[] {
  if (!Array.isArray(value)) return [text(display(value))];
  const blocks = value.map((item): JsonObject => {
    if (!(item instanceof Dict)) return text(display(item));
    const kind = field(item, "type", "");
    if (kind === "resource") {
      const r = item.map.get("resource");
      return r === undefined ? { type: "resource" } : { type: "resource", resource: valueToJson(r) };
    }
    if (kind === "resource_link") {
      const out: JsonObject = { type: "resource_link" };
      for (const k of ["uri", "name", "description", "mimeType"])
        if (item.map.has(k)) out[k] = display(item.get(k));
      return out;
    }
    return text(field(item, "text", display(item)));
  });
  return blocks.length === 0 ? [text(display(value))] : blocks;
}

function promptContent(v: Value): JsonObject {
  if (!(v instanceof Dict)) return text(display(v));
  const kind = field(v, "type", "");
  const mime = (): string =>
    display(v.map.get("mimeType") ?? v.map.get("mime_type") ?? "application/octet-stream");
  switch (kind) {
    case "text":
      return text(field(v, "text", ""));
    case "image": {
      const out: JsonObject = { type: "image", data: field(v, "data", ""), mimeType: mime() };
      const a = v.map.get("annotations");
      if (a !== undefined) out.annotations = valueToJson(a);
      return out;
    }
    case "audio":
      return { type: "audio", data: field(v, "data", ""), mimeType: mime() };
    case "resource": {
      const r = v.map.get("resource");
      return r === undefined ? { type: "resource" } : { type: "resource", resource: valueToJson(r) };
    }
    default:
      return text(field(v, "text", display(v)));
  }
}

/** A prompt handler's result (a string, or a list of `{role, content}`) as prompt messages. */
export function promptMessages(value: Value): JsonObject[] {
  if (typeof value === "string") return [{ role: "user", content: text(value) }];
  if (!Array.isArray(value)) return [{ role: "user", content: text(display(value)) }];
  return value.flatMap((item): JsonObject[] => {
    if (!(item instanceof Dict)) return [{ role: "user", content: text(display(item)) }];
    const role = field(item, "role", "user");
    const content = item.map.get("content");
    if (content === undefined) return [{ role, content: text("") }];
    if (Array.isArray(content)) return content.map((c) => ({ role, content: promptContent(c) }));
    return [{ role, content: content instanceof Dict ? promptContent(content) : text(display(content)) }];
  });
}

/** `tool_define` parameters as MCP's `inputSchema`. */
export function mcpInputSchema(params: Value | undefined): JsonObject {
  if (!(params instanceof Dict)) return { type: "object", properties: {} };
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const name of params.keys()) {
    const def = params.get(name);
    if (def instanceof Dict) {
      const prop: JsonObject = {};
      if (typeof def.get("type") === "string") prop.type = def.get("type") as string;
      if (typeof def.get("description") === "string") prop.description = def.get("description") as string;
      if (def.get("required") === true) required.push(name);
      properties[name] = prop;
    } else if (typeof def === "string") {
      properties[name] = { type: def };
    }
  }
  return required.length > 0 ? { type: "object", properties, required } : { type: "object", properties };
}

/** MCP tool annotations: `title` and the four hint flags, when present. */
export function mcpAnnotations(v: Value | undefined): JsonObject | null {
  if (!(v instanceof Dict)) return null;
  const out: JsonObject = {};
  if (typeof v.get("title") === "string") out.title = v.get("title") as string;
  for (const k of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
    if (typeof v.get(k) === "boolean") out[k] = v.get(k) as boolean;
  }
  return Object.keys(out).length === 0 ? null : out;
}

/** RFC 6570 level-1 matching: `file:///{path}` against a URI, returning the variables. */
export function matchUriTemplate(template: string, uri: string): Record<string, string> | null {
  const vars: Record<string, string> = {};
  let t = 0;
  let u = 0;
  while (t < template.length) {
    if (template[t] === "{") {
      const close = template.indexOf("}", t);
      if (close < 0) return null;
      const name = template.slice(t + 1, close);
      t = close + 1;
      const nextBrace = template.indexOf("{", t);
      const literal = template.slice(t, nextBrace < 0 ? template.length : nextBrace);
      const end = literal === "" ? uri.length : uri.indexOf(literal, u);
      if (end < 0) return null;
      vars[name] = uri.slice(u, end);
      u = end;
    } else {
      if (u >= uri.length || template[t] !== uri[u]) return null;
      t++;
      u++;
    }
  }
  return u === uri.length ? vars : null;
}
