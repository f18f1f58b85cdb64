// The event log: named topics of append-only events. Each topic numbers
// its events 1, 2, 3, ... (the id doubles as a resume cursor); readers ask
// for the events after a cursor, and subscribers hear every later append.
// Triggers, the DLQ, the trust graph, waitpoints and `event_log.*` all
// record through this one interface, so swapping the backend (memory by
// default, files under src/state) changes where history lives without
// touching them. The API is synchronous: appends happen inside builtins
// that must not interleave with other tasks between "read latest" and
// "append" (the trust graph's hash chain relies on that).

import type { Value } from "../../vm/values.ts";
import { checkTopic } from "./topic.ts";

export interface LogEvent {
  readonly kind: string;
  /** JSON-shaped data (see toJsonData). */
  readonly payload: Value;
  readonly headers: ReadonlyMap<string, string>;
  readonly occurredAtMs: number;
}

/** An event as stored: its id within the topic plus the event. */
export interface LogRecord {
  readonly id: number;
  readonly event: LogEvent;
}

export type LogListener = (record: LogRecord) => void;

export interface EventLogDescription {
  readonly backend: "memory" | "file";
  readonly location: string | null;
}

export interface EventLog {
  describe(): EventLogDescription;
  /** Appends to `topic` and returns the new event's id. */
  append(topic: string, event: LogEvent): number;
  /** Events with id > `after` (all when null), oldest first, at most `limit`. */
  read(topic: string, after?: number | null, limit?: number): LogRecord[];
  /** Id of the newest event, or null for an empty topic. */
  latest(topic: string): number | null;
  /** Topic names in byte order. */
  topics(): string[];
  /** Calls `listener` for every event appended to `topic` from now on; returns the unsubscribe function. */
  listen(topic: string, listener: LogListener): () => void;
}

/** A LogEvent stamped now with no headers unless given. */
export function logEvent(
  kind: string,
  payload: Value,
  nowMs: number,
  headers: ReadonlyMap<string, string> = new Map(),
): LogEvent {
  return { kind, payload, headers, occurredAtMs: nowMs };
}

/** The listener bookkeeping every backend shares. */
export class ListenerHub {
  private readonly listeners = new Map<string, Set<LogListener>>();

  listen(topic: string, listener: LogListener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  publish(topic: string, record: LogRecord): void {
    const set = this.listeners.get(topic);
    if (set) for (const listener of [...set]) listener(record);
  }
}

/** The default backend: everything in memory, gone when the VM is. */
export class MemoryEventLog implements EventLog {
  private readonly topicRecords = new Map<string, LogRecord[]>();
  private readonly hub = new ListenerHub();

  describe(): EventLogDescription {
    return { backend: "memory", location: null };
  }

  append(topic: string, event: LogEvent): number {
    checkTopic(topic);
    let records = this.topicRecords.get(topic);
    if (!records) {
      records = [];
      this.topicRecords.set(topic, records);
    }
    const id = records.length === 0 ? 1 : records[records.length - 1]!.id + 1;
    const record = { id, event };
    records.push(record);
    this.hub.publish(topic, record);
    return id;
  }

  read(topic: string, after: number | null = null, limit = Number.POSITIVE_INFINITY): LogRecord[] {
    checkTopic(topic);
    const records = this.topicRecords.get(topic) ?? [];
    const from = after ?? 0;
    const out: LogRecord[] = [];
    for (const r of records) {
      if (out.length >= limit) break;
      if (r.id > from) out.push(r);
    }
    return out;
  }

  latest(topic: string): number | null {
    const records = this.topicRecords.get(checkTopic(topic));
    return records && records.length > 0 ? records[records.length - 1]!.id : null;
  }

  topics(): string[] {
    return [...this.topicRecords.keys()].sort();
  }

  listen(topic: string, listener: LogListener): () => void {
    return this.hub.listen(checkTopic(topic), listener);
  }
}
