// Message content blocks in each provider family's wire form. Scripts and
// the agent loop write provider-neutral blocks — `text`/`output_text`,
// images as `{type: "image", url | base64, media_type, detail?}`, the
// canonical `tool_call` and `reasoning` blocks a response carries — or a
// family's own blocks (`image_url`, `tool_use`, ...), which pass through.
// Private reasoning blocks never go back on the wire: providers either
// reject them or need signatures we do not keep.

import { LlmError } from "../errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";

/** A neutral image block, read. */
export interface ImageContent {
  readonly url: string | null;
  readonly base64: string | null;
  readonly mediaType: string;
  readonly detail: string | null;
}

const str = (v: JsonValue | undefined): string | null => (typeof v === "string" && v !== "" ? v : null);

/**
 * The image a neutral block holds, undefined for other blocks (including
 * Anthropic's own `{type: "image", source}`). A malformed image block is
 * an error naming what is missing, as the reference reports it.
 */
export function imageOf(block: JsonValue): ImageContent | undefined {
  if (!isJsonObject(block) || block.type !== "image" || block.source !== undefined) return undefined;
  const url = str(block.url) ?? str(block.file_uri);
  const base64 = str(block.base64) ?? str(block.data);
  if ((url === null) === (base64 === null)) {
    throw new LlmError("generic", "llm_call image content requires exactly one of url or base64");
  }
  const mediaType = str(block.media_type) ?? str(block.mime_type);
  if (mediaType === null) throw new LlmError("generic", "llm_call image content requires media_type");
  const detail = str(block.detail);
  if (detail !== null && !["low", "high", "auto"].includes(detail)) {
    throw new LlmError("generic", 'llm_call image detail must be "low", "high", or "auto"');
  }
  return { url, base64, mediaType, detail };
}

/** `text` and `output_text` blocks as a plain `{type: "text", text}`; undefined for anything else. */
function textBlock(block: JsonValue): JsonObject | undefined {
  if (!isJsonObject(block) || (block.type !== "text" && block.type !== "output_text")) return undefined;
  return { type: "text", text: typeof block.text === "string" ? block.text : "" };
}

/** Blocks that are private to this runtime and never sent back to a provider. */
export function isPrivateBlock(block: JsonValue): boolean {
  if (!isJsonObject(block)) return false;
  if (block.type === "reasoning" || block.type === "reasoning_summary") return true;
  // Anthropic thinking blocks are replayable only with their signature.
  return block.type === "thinking" && typeof block.signature !== "string";
}

/** Tool-call arguments as an object: JSON text is parsed, anything unparsable becomes `{}`. */
export function argumentsObject(args: JsonValue | undefined): JsonValue {
  if (typeof args !== "string") return args ?? {};
  try {
    return JSON.parse(args) as JsonValue;
  } catch {
    return {};
  }
}

function openAiImage(image: ImageContent): JsonObject {
  const url = image.url ?? `data:${image.mediaType};base64,${image.base64 ?? ""}`;
  const imageUrl: JsonObject = { url };
  if (image.detail !== null) imageUrl.detail = image.detail;
  return { type: "image_url", image_url: imageUrl };
}

/** An Anthropic-native image source as an OpenAI data URL part. */
function openAiImageFromSource(block: JsonObject): JsonObject | undefined {
  const source = block.source;
  if (!isJsonObject(source)) return undefined;
  if (source.type === "url" && typeof source.url === "string") {
    return { type: "image_url", image_url: { url: source.url } };
  }
  if (source.type === "base64" && typeof source.data === "string") {
    const media = typeof source.media_type === "string" ? source.media_type : "image/png";
    return { type: "image_url", image_url: { url: `data:${media};base64,${source.data}` } };
  }
  return undefined;
}

/** Content as OpenAI chat parts: text parts, `image_url` parts, everything else as given. */
export function openAiContent(content: JsonValue | undefined): JsonValue {
  if (isJsonObject(content)) {
    const image = imageOf(content);
    return image ? [openAiImage(image)] : content;
  }
  if (!Array.isArray(content)) return content ?? "";
  const out: JsonValue[] = [];
  for (const block of content) {
    if (isPrivateBlock(block)) continue;
    const image = imageOf(block);
    if (image) {
      out.push(openAiImage(image));
      continue;
    }
    const converted =
      textBlock(block) ??
      (isJsonObject(block) && block.type === "image" ? openAiImageFromSource(block) : undefined);
    out.push(converted ?? block);
  }
  return out;
}

function anthropicImage(image: ImageContent): JsonObject {
  const source: JsonObject =
    image.base64 !== null
      ? { type: "base64", media_type: image.mediaType, data: image.base64 }
      : { type: "url", url: image.url ?? "" };
  return { type: "image", source };
}

/** A canonical `tool_call` block as Anthropic's `tool_use`. */
function anthropicToolUse(block: JsonValue): JsonObject | undefined {
  if (!isJsonObject(block) || block.type !== "tool_call") return undefined;
  return {
    type: "tool_use",
    id: typeof block.id === "string" ? block.id : "",
    name: typeof block.name === "string" ? block.name : "",
    input: argumentsObject(block.arguments),
  };
}

/** A canonical reasoning block that kept Anthropic's signature, as the `thinking` block it came from. */
function signedThinking(block: JsonValue): JsonObject | undefined {
  if (!isJsonObject(block) || block.type !== "reasoning" || typeof block.signature !== "string")
    return undefined;
  return {
    type: "thinking",
    thinking: typeof block.text === "string" ? block.text : "",
    signature: block.signature,
  };
}

/** Content as Anthropic blocks: text, image sources, tool_use for canonical tool calls. */
export function anthropicContent(content: JsonValue | undefined): JsonValue {
  if (isJsonObject(content)) {
    const image = imageOf(content);
    return image ? [anthropicImage(image)] : content;
  }
  if (!Array.isArray(content)) return content ?? "";
  const out: JsonValue[] = [];
  for (const block of content) {
    const signed = signedThinking(block);
    if (signed) {
      out.push(signed);
      continue;
    }
    if (isPrivateBlock(block)) continue;
    const image = imageOf(block);
    if (image) {
      out.push(anthropicImage(image));
      continue;
    }
    out.push(textBlock(block) ?? anthropicToolUse(block) ?? block);
  }
  return out;
}

/**
 * Content rendered as one string, for servers that only take text
 * (Ollama): text joined as is, tool results as `[Result] ...`, other
 * blocks by their text or JSON.
 */
export function contentAsText(content: JsonValue | undefined): string {
  if (typeof content === "string") return content;
  if (content === undefined || content === null) return "";
  if (!Array.isArray(content)) return JSON.stringify(content);
  const parts: string[] = [];
  for (const block of content) {
    if (isPrivateBlock(block) || imageOf(block)) continue;
    if (!isJsonObject(block)) {
      if (block !== null) parts.push(typeof block === "string" ? block : JSON.stringify(block));
      continue;
    }
    if (block.type === "tool_result") {
      const result = typeof block.content === "string" ? block.content : JSON.stringify(block.content ?? "");
      parts.push(`[Result] ${result}`);
    } else if (typeof block.text === "string") {
      parts.push(block.text);
    } else {
      parts.push(JSON.stringify(block));
    }
  }
  return parts.join("\n\n");
}

/** The base64 payloads of a content array's images (Ollama's `images` field). */
export function base64Images(content: JsonValue | undefined): string[] {
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const block of content) {
    const image = imageOf(block);
    if (image?.base64) out.push(image.base64);
  }
  return out;
}
