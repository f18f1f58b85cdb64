// A durable event log: one JSON-lines file per topic, `<dir>/<topic>.jsonl`,
// each line `{"id", "kind", "payload", "headers", "occurred_at_ms"}`.
// Appends go through DurableFs.appendSynced (write + fsync), so an event the
// caller saw appended survives a crash; a torn last line (a crash in the
// middle of a write) is skipped on read rather than failing the topic.
// Reads pick up lines other processes appended since the last read, so a
// second process sharing the directory sees the same history.
//
// Topic names are already restricted to file-safe characters (see
// runtime/events/topic.ts), so a topic cannot name a path outside `dir`.

import {
  type EventLog,
  type EventLogDescription,
  ListenerHub,
  type LogEvent,
  type LogListener,
  type LogRecord,
} from "../runtime/events/event-log.ts";
import { canonicalJson } from "../runtime/events/json-data.ts";
import { checkTopic } from "../runtime/events/topic.ts";
import { Dict, type Value } from "../vm/values.ts";
import type { DurableFs } from "./durable-fs.ts";
import { joinPath } from "./state-paths.ts";

/** JSON text to a Harn value, keeping ints and floats apart (injected: state cannot import the stdlib parser). */
export type JsonDecoder = (text: string) => Value;

const encoder = new TextEncoder();
const SUFFIX = ".jsonl";

interface TopicCache {
  /** Characters of the file already parsed into `records`. */
  consumed: number;
  records: LogRecord[];
}

function recordFrom(v: Value): LogRecord | null {
  if (!(v instanceof Dict)) return null;
  const id = v.get("id");
  const kind = v.get("kind");
  const at = v.get("occurred_at_ms");
  const rawHeaders = v.get("headers");
  if (typeof id !== "number" || typeof kind !== "string") return null;
  const headers = new Map<string, string>();
  if (rawHeaders instanceof Dict) {
    for (const [k, h] of rawHeaders.map) if (typeof h === "string") headers.set(k, h);
  }
  return {
    id,
    event: { kind, payload: v.get("payload"), headers, occurredAtMs: typeof at === "number" ? at : 0 },
  };
}

export class FileEventLog implements EventLog {
  private readonly cache = new Map<string, TopicCache>();
  private readonly hub = new ListenerHub();
  private dirMade = false;

  constructor(
    private readonly fs: DurableFs,
    /** Absolute directory holding the topic files. */
    readonly dir: string,
    private readonly decode: JsonDecoder,
  ) {}

  describe(): EventLogDescription {
    return { backend: "file", location: this.dir };
  }

  private path(topic: string): string {
    return joinPath(this.dir, `${checkTopic(topic)}${SUFFIX}`);
  }

  /** The topic's records, after parsing whatever was appended since the last look. */
  private refreshed(topic: string): LogRecord[] {
    const cache = this.cache.get(topic) ?? { consumed: 0, records: [] };
    this.cache.set(topic, cache);
    const text = this.fs.readText(this.path(topic)) ?? "";
    if (text.length < cache.consumed) {
      // The file was replaced (compaction or a reset): start over.
      cache.consumed = 0;
      cache.records = [];
    }
    let start = cache.consumed;
    for (;;) {
      const end = text.indexOf("\n", start);
      if (end < 0) break;
      const line = text.slice(start, end).trim();
      start = end + 1;
      if (line === "") continue;
      let parsed: LogRecord | null = null;
      try {
        parsed = recordFrom(this.decode(line));
      } catch {
        parsed = null;
      }
      if (parsed !== null) cache.records.push(parsed);
    }
    cache.consumed = start;
    return cache.records;
  }

  append(topic: string, event: LogEvent): number {
    const records = this.refreshed(topic);
    const id = records.length === 0 ? 1 : records[records.length - 1]!.id + 1;
    const line = canonicalJson(
      Dict.of({
        id,
        kind: event.kind,
        payload: event.payload,
        headers: new Dict(new Map(event.headers)),
        occurred_at_ms: event.occurredAtMs,
      }),
    );
    if (!this.dirMade) {
      this.fs.makeDirs(this.dir);
      this.dirMade = true;
    }
    this.fs.appendSynced(this.path(topic), encoder.encode(`${line}\n`));
    const record = { id, event };
    // Our own line is now in the file; parse it on the next read like any other.
    this.hub.publish(topic, record);
    return id;
  }

  read(topic: string, after: number | null = null, limit = Number.POSITIVE_INFINITY): LogRecord[] {
    const from = after ?? 0;
    const out: LogRecord[] = [];
    for (const r of this.refreshed(topic)) {
      if (out.length >= limit) break;
      if (r.id > from) out.push(r);
    }
    return out;
  }

  latest(topic: string): number | null {
    const records = this.refreshed(topic);
    return records.length === 0 ? null : records[records.length - 1]!.id;
  }

  topics(): string[] {
    const entries = this.fs.readDir(this.dir) ?? [];
    return entries
      .filter((e) => e.isFile && e.name.endsWith(SUFFIX))
      .map((e) => e.name.slice(0, -SUFFIX.length))
      .sort();
  }

  listen(topic: string, listener: LogListener): () => void {
    return this.hub.listen(checkTopic(topic), listener);
  }
}
