// Transcript values (spec: "Transcripts"): a dict `{_type: "transcript",
// version, id, messages, events, assets, summary?, metadata?, state?}`.
// `events` is the audit trail: one `message`/`tool_result` event derived
// from each message, followed by the extra events the runtime appends
// (provider payloads, tool executions, permission decisions, lifecycle
// markers). Rebuilding a transcript re-derives the message events and
// keeps every extra event, so lifecycle operations never lose the audit.

import { v7 as uuidV7 } from "uuid";
import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { type JsonObject, jsonToValue } from "../json.ts";

export const TRANSCRIPT_TYPE = "transcript";
export const TRANSCRIPT_ASSET_TYPE = "transcript_asset";
const TRANSCRIPT_VERSION = 2;

export function newId(): string {
  return uuidV7();
}

const defaultVisibility = (role: string): string => (role === "tool_result" ? "internal" : "public");

function normalizeBlock(block: Value, visibility: string): Dict {
  const m = block instanceof Dict ? new Map(block.map) : new Map<string, Value>([["text", display(block)]]);
  if (!m.has("type")) m.set("type", "text");
  if (!m.has("visibility")) m.set("visibility", visibility);
  return new Dict(m);
}

/** A message's content as a list of typed blocks with visibility. */
export function messageBlocks(content: Value | undefined, role: string): Dict[] {
  const visibility = defaultVisibility(role);
  if (content === undefined || content === null) return [];
  if (Array.isArray(content)) return content.map((b) => normalizeBlock(b, visibility));
  if (content instanceof Dict) return [normalizeBlock(content, visibility)];
  return [Dict.of({ type: "text", text: display(content), visibility })];
}

function assetLabel(kind: string, block: Dict): string {
  for (const key of ["name", "title", "path", "asset_id"]) {
    const v = block.map.get(key);
    if (v !== undefined && v !== null) return `<${kind}:${display(v)}>`;
  }
  return `<${kind}:${kind}>`;
}

function blockText(block: Dict): string {
  const kind = block.map.has("type") ? display(block.get("type")) : "text";
  switch (kind) {
    case "text":
    case "output_text": {
      const v = block.map.get("text") ?? block.map.get("content");
      return v === undefined || v === null ? "" : display(v);
    }
    case "reasoning":
      return "";
    case "tool_call":
    case "tool_result": {
      const name = block.map.get("name");
      return `<${kind}:${name === undefined || name === null ? "tool" : display(name)}>`;
    }
    case "image":
    case "input_image":
      return assetLabel("image", block);
    case "file":
    case "document":
    case "attachment":
      return assetLabel(kind, block);
    default:
      return `<${kind}>`;
  }
}

/** The readable text of a block list (assets render as `<image:name>` labels). */
export function blocksText(blocks: readonly Dict[]): string {
  return blocks
    .map(blockText)
    .filter((t) => t !== "")
    .join(" ");
}

/** Public if any block is public, else internal if any is internal, else the role default. */
function overallVisibility(blocks: readonly Dict[], fallback: string): string {
  let resolved = fallback;
  for (const b of blocks) {
    const v = b.map.has("visibility") ? display(b.get("visibility")) : fallback;
    if (v === "public") return v;
    if (v === "internal") resolved = v;
  }
  return resolved;
}

function eventFromMessage(message: Value): Dict {
  const d = message instanceof Dict ? message : new Dict();
  const role = d.map.has("role") ? display(d.get("role")) : "user";
  const blocks = messageBlocks(d.map.get("content"), role);
  return Dict.of({
    id: newId(),
    kind: role === "tool_result" ? "tool_result" : "message",
    role,
    visibility: overallVisibility(blocks, defaultVisibility(role)),
    text: blocksText(blocks),
    blocks,
  });
}

export function eventsFromMessages(messages: readonly Value[]): Dict[] {
  return messages.map(eventFromMessage);
}

/** A runtime event (`provider_payload`, `tool_execution`, `PermissionDeny`, ...). */
export function transcriptEvent(
  kind: string,
  role: string,
  visibility: string,
  text: string,
  metadata?: JsonObject | Dict,
): Dict {
  const m = new Map<string, Value>([
    ["id", newId()],
    ["kind", kind],
    ["role", role],
    ["visibility", visibility],
    ["text", text],
    ["blocks", [Dict.of({ type: "text", text, visibility })]],
  ]);
  if (metadata !== undefined) m.set("metadata", metadata instanceof Dict ? metadata : jsonToValue(metadata));
  return new Dict(m);
}

export interface TranscriptParts {
  readonly id?: string | null;
  readonly messages: readonly Value[];
  readonly summary?: string | null;
  readonly metadata?: Value;
  readonly extraEvents?: readonly Value[];
  readonly assets?: readonly Value[];
  readonly state?: string | null;
}

export function newTranscript(parts: TranscriptParts): Dict {
  const m = new Map<string, Value>([
    ["_type", TRANSCRIPT_TYPE],
    ["version", TRANSCRIPT_VERSION],
    ["id", parts.id ?? newId()],
    ["messages", [...parts.messages]],
    ["events", [...eventsFromMessages(parts.messages), ...(parts.extraEvents ?? [])]],
    ["assets", [...(parts.assets ?? [])]],
  ]);
  if (parts.summary !== undefined && parts.summary !== null) m.set("summary", parts.summary);
  if (parts.metadata !== undefined && parts.metadata !== null) m.set("metadata", parts.metadata);
  if (parts.state !== undefined && parts.state !== null) m.set("state", parts.state);
  return new Dict(m);
}

export function isTranscript(v: Value | undefined): v is Dict {
  return v instanceof Dict && v.get("_type") === TRANSCRIPT_TYPE;
}

/** The transcript argument of `builtin`, or the reference's error. */
export function requireTranscript(v: Value | undefined, builtin: string): Dict {
  if (isTranscript(v)) return v;
  throw thrown(`${builtin}: argument must be a transcript`);
}

function listField(t: Dict, key: string): Value[] {
  const v = t.map.get(key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw thrown(`transcript.${key} must be a list`);
  return v;
}

export const messagesOf = (t: Dict): Value[] => listField(t, "messages");
export const assetsOf = (t: Dict): Value[] => listField(t, "assets");

export function eventsOf(t: Value | undefined): Value[] {
  const v = t instanceof Dict ? t.map.get("events") : undefined;
  return Array.isArray(v) ? v : [];
}

function nonEmptyString(t: Dict, key: string): string | null {
  const v = t.map.get(key);
  return typeof v === "string" && v !== "" ? v : null;
}

export const summaryOf = (t: Dict): string | null => nonEmptyString(t, "summary");
export const idOf = (t: Dict): string | null => nonEmptyString(t, "id");
export const stateOf = (t: Dict): string | null => nonEmptyString(t, "state");

/** Events other than the per-message ones (those are re-derived on rebuild). */
export function extraEventsOf(t: Dict): Value[] {
  return eventsOf(t).filter((e) => {
    const kind = e instanceof Dict ? e.get("kind") : null;
    return typeof kind === "string" && kind !== "message" && kind !== "tool_result";
  });
}

/** `t` with new messages/summary/assets/state, keeping its id, metadata and extra events. */
export function rebuildTranscript(
  t: Dict,
  changes: {
    messages?: readonly Value[];
    summary?: string | null;
    assets?: readonly Value[];
    state?: string | null;
    newEvents?: readonly Value[];
  },
): Dict {
  return newTranscript({
    id: idOf(t),
    messages: changes.messages ?? messagesOf(t),
    summary: changes.summary === undefined ? summaryOf(t) : changes.summary,
    metadata: t.map.get("metadata") ?? null,
    extraEvents: [...extraEventsOf(t), ...(changes.newEvents ?? [])],
    assets: changes.assets ?? assetsOf(t),
    state: changes.state === undefined ? stateOf(t) : changes.state,
  });
}

/** An asset dict with `_type`, an id, a kind and a visibility filled in. */
export function normalizeAsset(v: Value): Dict {
  const m = v instanceof Dict ? new Map(v.map) : new Map<string, Value>();
  m.set("_type", TRANSCRIPT_ASSET_TYPE);
  if (!m.has("id")) m.set("id", newId());
  if (!m.has("kind")) m.set("kind", "blob");
  if (!m.has("visibility")) m.set("visibility", "internal");
  if (!(v instanceof Dict)) m.set("storage", Dict.of({ path: display(v) }));
  return new Dict(m);
}
