// Handoff envelopes (seed 003): `agent_state_handoff(handle, summary)`
// stores `__handoff.json` holding the caller's summary verbatim plus, when
// the summary has the shape of a typed handoff artifact, its normalized
// form. Typing is strict like the reference's deserializer: a field of
// the wrong type means "not a typed handoff" (null), never a coerced
// value, so nothing the caller wrote is silently changed.

import { Dict, HFloat, type Value } from "../vm/values.ts";
import type { WriterIdentity } from "./backend.ts";
import { writerToJson } from "./writer.ts";

export const HANDOFF_KEY = "__handoff.json";

/** Thrown inside the parser when a field has the wrong type. */
class NotTyped extends Error {}

type Fields = ReadonlyMap<string, Value>;

function fieldsOf(v: Value | undefined): Fields | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Dict) return v.map;
  throw new NotTyped();
}

function text(f: Fields, key: string): string {
  const v = f.get(key);
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  throw new NotTyped();
}

function optText(f: Fields, key: string): string | null {
  const v = f.get(key);
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  throw new NotTyped();
}

/** A non-blank optional string: blank counts as absent. */
function optName(f: Fields, key: string): string | null {
  const v = optText(f, key);
  return v === null || v.trim() === "" ? null : v;
}

function optInt(f: Fields, key: string): Value {
  const v = f.get(key);
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "bigint") return v;
  throw new NotTyped();
}

function optNumber(f: Fields, key: string): number | null {
  const v = f.get(key);
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "bigint") return Number(v);
  if (v instanceof HFloat) return v.v;
  throw new NotTyped();
}

function list(f: Fields, key: string): Value[] {
  const v = f.get(key);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  throw new NotTyped();
}

/** Trimmed, non-empty, first occurrence kept. */
function stringList(f: Fields, key: string): string[] {
  const seen = new Set<string>();
  for (const item of list(f, key)) {
    if (typeof item !== "string") throw new NotTyped();
    const t = item.trim();
    if (t !== "") seen.add(t);
  }
  return [...seen];
}

function optRecord(f: Fields, key: string, build: (inner: Fields) => Dict): Value {
  const v = f.get(key);
  if (v === undefined || v === null) return null;
  return build(fieldsOf(v)!);
}

function target(f: Fields): Dict {
  const t = fieldsOf(f.get("target_persona_or_human")) ?? new Map<string, Value>();
  const kind = text(t, "kind").trim() === "human" ? "human" : "persona";
  return Dict.of({ kind, id: optName(t, "id"), label: optName(t, "label") });
}

function evidenceRef(item: Value): Dict {
  const f = fieldsOf(item)!;
  return Dict.of({
    artifact_id: optText(f, "artifact_id"),
    kind: optText(f, "kind"),
    label: optText(f, "label"),
    path: optText(f, "path"),
    uri: optText(f, "uri"),
  });
}

function receiptLink(item: Value): Dict {
  const f = fieldsOf(item)!;
  const kind = text(f, "kind");
  return Dict.of({
    kind: kind.trim() === "" ? "run_receipt" : kind,
    label: optName(f, "label"),
    run_id: optName(f, "run_id"),
    artifact_id: optName(f, "artifact_id"),
    path: optName(f, "path"),
    href: optName(f, "href"),
  });
}

export interface HandoffDefaults {
  /** Id for an artifact that has none (`handoff_<uuid>`). */
  readonly newId: () => string;
  /** Creation time for an artifact that has none (epoch seconds, as text). */
  readonly now: () => string;
  /** The current run, when the caller is inside one. */
  readonly parentRunId: string | null;
}

/**
 * The normalized typed handoff artifact for `summary`, or null when the
 * summary is not one (wrong field types, or a missing source persona,
 * target, task or reason).
 */
export function typedHandoff(summary: Dict, defaults: HandoffDefaults): Dict | null {
  try {
    const f = summary.map;
    const tgt = target(f);
    const artifact = Dict.of({
      _type: text(f, "_type") || "handoff_artifact",
      id: text(f, "id") || defaults.newId(),
      parent_run_id: optText(f, "parent_run_id") ?? defaults.parentRunId,
      source_persona: text(f, "source_persona").trim(),
      target_persona_or_human: tgt,
      task: text(f, "task").trim(),
      reason: text(f, "reason").trim(),
      evidence_refs: list(f, "evidence_refs").map(evidenceRef),
      files_or_entities_touched: stringList(f, "files_or_entities_touched"),
      open_questions: stringList(f, "open_questions"),
      blocked_on: stringList(f, "blocked_on"),
      requested_capabilities: stringList(f, "requested_capabilities"),
      allowed_side_effects: stringList(f, "allowed_side_effects"),
      budget_remaining: optRecord(f, "budget_remaining", (b) => {
        const dollars = optNumber(b, "dollars");
        return Dict.of({
          tokens: optInt(b, "tokens"),
          tool_calls: optInt(b, "tool_calls"),
          dollars: dollars === null ? null : new HFloat(dollars),
        });
      }),
      deadline_checkback: optRecord(f, "deadline_checkback", (d) =>
        Dict.of({ deadline: optText(d, "deadline"), checkback_at: optText(d, "checkback_at") }),
      ),
      confidence: clampedConfidence(optNumber(f, "confidence")),
      receipt_links: list(f, "receipt_links").map(receiptLink),
      created_at: text(f, "created_at") || defaults.now(),
      metadata: f.get("metadata") instanceof Dict ? f.get("metadata")! : metadataOrEmpty(f.get("metadata")),
    });
    const named = tgt.get("label") ?? tgt.get("id");
    const complete =
      artifact.get("source_persona") !== "" &&
      named !== null &&
      artifact.get("task") !== "" &&
      artifact.get("reason") !== "";
    return complete ? artifact : null;
  } catch (e) {
    if (e instanceof NotTyped) return null;
    throw e;
  }
}

function clampedConfidence(v: number | null): Value {
  return v === null ? null : new HFloat(Math.min(1, Math.max(0, v)));
}

function metadataOrEmpty(v: Value | undefined): Value {
  if (v === undefined) return new Dict();
  throw new NotTyped();
}

export interface EnvelopeFields {
  readonly sessionId: string;
  readonly root: string;
  readonly summary: Dict;
  readonly handoff: Dict | null;
  readonly writer: WriterIdentity;
  /** Epoch seconds. */
  readonly writtenAt: number;
}

/** The `__handoff.json` document. */
export function handoffEnvelope(e: EnvelopeFields): Dict {
  const w = writerToJson(e.writer);
  return Dict.of({
    _type: "agent_state_handoff",
    version: 1,
    session_id: e.sessionId,
    root: e.root,
    key: HANDOFF_KEY,
    summary: e.summary,
    handoff: e.handoff,
    writer: Dict.of({
      writer_id: w.writer_id ?? null,
      stage_id: w.stage_id ?? null,
      session_id: w.session_id ?? null,
      worker_id: w.worker_id ?? null,
    }),
    written_at: e.writtenAt,
  });
}
