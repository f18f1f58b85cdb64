// Writer identity and the two-writer conflict rule (seed 003): a write
// conflicts when the key's previous writer and the current one both have a
// writer id and the ids differ. The caller chooses what a conflict means
// through the policy: ignore it, warn and write, or refuse the write.

import { type ConflictPolicy, type ConflictRecord, StateError, type WriterIdentity } from "./backend.ts";

export function isEmptyWriter(w: WriterIdentity): boolean {
  return (
    w.writerId === undefined &&
    w.stageId === undefined &&
    w.sessionId === undefined &&
    w.workerId === undefined
  );
}

/** The name a conflict message shows: the most specific id the writer has. */
export function writerDisplayName(w: WriterIdentity): string {
  return w.writerId ?? w.workerId ?? w.stageId ?? w.sessionId ?? "unknown";
}

/** Parses a policy name (trimmed, case-insensitive); the empty string means ignore. */
export function parseConflictPolicy(raw: string): ConflictPolicy {
  switch (raw.trim().toLowerCase()) {
    case "":
    case "ignore":
    case "off":
      return "ignore";
    case "warn":
    case "warning":
      return "warn";
    case "error":
    case "strict":
      return "error";
    default:
      throw new StateError(`agent_state: unknown conflict policy '${raw.trim().toLowerCase()}'`);
  }
}

/** The conflict `current` causes by writing `key` after `previous`, or null. */
export function detectConflict(
  key: string,
  previous: WriterIdentity | null,
  current: WriterIdentity,
): ConflictRecord | null {
  if (previous === null || isEmptyWriter(previous) || isEmptyWriter(current)) return null;
  if (previous.writerId === undefined || current.writerId === undefined) return null;
  return previous.writerId === current.writerId ? null : { key, previous, current };
}

export function conflictMessage(conflict: ConflictRecord): string {
  return (
    `agent_state.write: key '${conflict.key}' was previously written by ` +
    `'${writerDisplayName(conflict.previous)}' and is now being written by '${writerDisplayName(conflict.current)}'`
  );
}

/** The writer as stored on disk and shown to programs: snake_case keys, absent ids omitted. */
export function writerToJson(w: WriterIdentity): Record<string, string> {
  const out: Record<string, string> = {};
  if (w.writerId !== undefined) out.writer_id = w.writerId;
  if (w.stageId !== undefined) out.stage_id = w.stageId;
  if (w.sessionId !== undefined) out.session_id = w.sessionId;
  if (w.workerId !== undefined) out.worker_id = w.workerId;
  return out;
}

/** Reads a stored writer leniently: non-string or blank ids count as absent. */
export function writerFromJson(raw: unknown): WriterIdentity {
  if (typeof raw !== "object" || raw === null) return {};
  const field = (name: string): string | undefined => {
    const v = (raw as Record<string, unknown>)[name];
    return typeof v === "string" && v.trim() !== "" ? v : undefined;
  };
  const out: { writerId?: string; stageId?: string; sessionId?: string; workerId?: string } = {};
  const writerId = field("writer_id");
  const stageId = field("stage_id");
  const sessionId = field("session_id");
  const workerId = field("worker_id");
  if (writerId !== undefined) out.writerId = writerId;
  if (stageId !== undefined) out.stageId = stageId;
  if (sessionId !== undefined) out.sessionId = sessionId;
  if (workerId !== undefined) out.workerId = workerId;
  return out;
}
