// The dead-letter queue. An entry is appended to `trigger.dlq` whenever it
// changes; the newest version of each entry id is its state. A dispatch
// that exhausts its attempts opens an entry (or, for a replay of a
// dead-lettered event, adds an attempt to the existing one); a later
// successful replay resolves it. `pending()` is what trigger_inspect_dlq
// lists.

import { Dict, type Value } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import { classifyDlqError, TRIGGER_DLQ_TOPIC } from "./topics.ts";

export interface DlqAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly status: string;
  readonly error: string | null;
}

export interface DlqEntry {
  readonly id: string;
  readonly eventId: string;
  readonly bindingId: string;
  readonly bindingVersion: number;
  readonly provider: string;
  readonly kind: string;
  readonly state: "pending" | "resolved";
  readonly error: string;
  readonly errorClass: string;
  readonly event: Dict;
  readonly retryHistory: readonly DlqAttempt[];
}

function entryValue(e: DlqEntry): Dict {
  return Dict.of({
    id: e.id,
    event_id: e.eventId,
    binding_id: e.bindingId,
    binding_version: e.bindingVersion,
    provider: e.provider,
    kind: e.kind,
    state: e.state,
    error: e.error,
    error_class: e.errorClass,
    event: e.event,
    retry_history: e.retryHistory.map((a) =>
      Dict.of({ attempt: a.attempt, at: a.at, status: a.status, error: a.error }),
    ),
  });
}

function str(d: Dict, key: string): string {
  const v = d.get(key);
  return typeof v === "string" ? v : "";
}

function entryFrom(v: Value): DlqEntry | null {
  if (!(v instanceof Dict) || str(v, "id") === "") return null;
  const history = v.get("retry_history");
  const event = v.get("event");
  const version = v.get("binding_version");
  return {
    id: str(v, "id"),
    eventId: str(v, "event_id"),
    bindingId: str(v, "binding_id"),
    bindingVersion: typeof version === "number" ? version : 0,
    provider: str(v, "provider"),
    kind: str(v, "kind"),
    state: str(v, "state") === "resolved" ? "resolved" : "pending",
    error: str(v, "error"),
    errorClass: str(v, "error_class") || "unknown",
    event: event instanceof Dict ? event : new Dict(),
    retryHistory: Array.isArray(history)
      ? history
          .filter((a): a is Dict => a instanceof Dict)
          .map((a) => {
            const n = a.get("attempt");
            const error = a.get("error");
            return {
              attempt: typeof n === "number" ? n : 0,
              at: str(a, "at"),
              status: str(a, "status"),
              error: typeof error === "string" ? error : null,
            };
          })
      : [],
  };
}

export class DeadLetterQueue {
  constructor(
    private readonly log: () => EventLog,
    private readonly nowMs: () => number,
    private readonly uuid: () => string,
  ) {}

  private store(entry: DlqEntry): DlqEntry {
    this.log().append(TRIGGER_DLQ_TOPIC, logEvent("dlq_entry", entryValue(entry), this.nowMs()));
    return entry;
  }

  /** Pending entries, by event id then entry id. */
  pending(): DlqEntry[] {
    const latest = new Map<string, DlqEntry>();
    for (const { event } of this.log().read(TRIGGER_DLQ_TOPIC)) {
      if (event.kind !== "dlq_entry") continue;
      const entry = entryFrom(event.payload);
      if (entry) latest.set(entry.id, entry);
    }
    return [...latest.values()]
      .filter((e) => e.state === "pending")
      .sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : a.id < b.id ? -1 : 1));
  }

  pendingFor(eventId: string): DlqEntry | null {
    return this.pending().find((e) => e.eventId === eventId) ?? null;
  }

  /** Opens an entry for `event`, or adds a failed attempt to `existing`. */
  deadLetter(
    existing: DlqEntry | null,
    binding: { id: string; version: number },
    event: Dict,
    error: string,
    replay: boolean,
  ): DlqEntry {
    const history = existing?.retryHistory ?? [];
    const at = new Date(this.nowMs()).toISOString();
    return this.store({
      id: existing?.id ?? `dlq_${this.uuid()}`,
      eventId: str(event, "id"),
      bindingId: binding.id,
      bindingVersion: binding.version,
      provider: str(event, "provider"),
      kind: str(event, "kind"),
      state: "pending",
      error,
      errorClass: classifyDlqError(error),
      event,
      retryHistory: [
        ...history,
        { attempt: history.length + 1, at, status: replay ? "replay_dlq" : "dlq", error },
      ],
    });
  }

  resolve(entry: DlqEntry, replay: boolean): DlqEntry {
    const at = new Date(this.nowMs()).toISOString();
    const status = replay ? "replay_succeeded" : "resolved";
    return this.store({
      ...entry,
      state: "resolved",
      retryHistory: [
        ...entry.retryHistory,
        { attempt: entry.retryHistory.length + 1, at, status, error: null },
      ],
    });
  }
}

export { entryValue as dlqEntryValue };
