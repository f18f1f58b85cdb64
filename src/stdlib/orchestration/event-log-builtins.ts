// The `event_log` namespace: `event_log.emit(topic, kind, payload?, headers?)`
// appends and returns the event's id, `event_log.latest(topic)` the newest
// id, and `event_log.subscribe({topic, from_cursor})` a stream that first
// replays the events after the cursor and then follows live appends.
// `event_log` is a global dict tagged `_namespace` whose members are the
// `event_log.<op>` builtins, like `stream`.

import { eventLogOf } from "../../runtime/events/active-log.ts";
import { type LogRecord, logEvent } from "../../runtime/events/event-log.ts";
import { toJsonData } from "../../runtime/events/json-data.ts";
import { TopicError } from "../../runtime/events/topic.ts";
import { streamValue, TaskStream } from "../../runtime/concurrency/streams.ts";
import { typeName } from "../../vm/display.ts";
import { runtimeError, typeError } from "../../vm/errors.ts";
import { type BuiltinFn, BuiltinRef, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

/** Runs `fn`, turning event-log failures into `event_log: <reason>` runtime errors. */
export function logged<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TopicError) throw runtimeError(`event_log: ${e.message}`);
    throw e;
  }
}

function requiredString(v: Value | undefined, builtin: string, name: string): string {
  if (typeof v === "string") return v;
  if (v === undefined) throw typeError(`${builtin}: missing ${name}`);
  throw typeError(`${builtin}: ${name} must be a string, got ${typeName(v)}`);
}

function headersArg(v: Value | undefined, builtin: string): Map<string, string> {
  const out = new Map<string, string>();
  if (v === undefined || v === null) return out;
  if (!(v instanceof Dict)) throw typeError(`${builtin}: headers must be a dict, got ${typeName(v)}`);
  for (const key of v.keys()) {
    const h = v.get(key);
    if (typeof h !== "string")
      throw typeError(`${builtin}: header '${key}' must be a string, got ${typeName(h)}`);
    out.set(key, h);
  }
  return out;
}

function cursorArg(v: Value | undefined, builtin: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && v >= 0) return v;
  throw typeError(`${builtin}: from_cursor must be a non-negative int or nil, got ${typeName(v)}`);
}

/** A dict of string headers. */
export function headersValue(headers: ReadonlyMap<string, string>): Dict {
  return new Dict(new Map(headers));
}

/** The Harn form of a stored event, as subscribers see it. */
export function recordValue(topic: string, record: LogRecord): Dict {
  return Dict.of({
    id: record.id,
    cursor: record.id,
    topic,
    kind: record.event.kind,
    payload: record.event.payload,
    headers: headersValue(record.event.headers),
    occurred_at_ms: record.event.occurredAtMs,
  });
}

export function registerEventLogBuiltins(vm: Vm, nowMs: () => number): void {
  const ops: Record<string, BuiltinFn> = {
    emit: (args) => {
      const topic = requiredString(args[0], "event_log.emit", "topic");
      const kind = requiredString(args[1], "event_log.emit", "kind");
      const payload = toJsonData(args[2] ?? null);
      const headers = headersArg(args[3], "event_log.emit");
      return logged(() => eventLogOf(vm).append(topic, logEvent(kind, payload, nowMs(), headers)));
    },
    latest: (args) => {
      const topic = requiredString(args[0], "event_log.latest", "topic");
      return logged(() => eventLogOf(vm).latest(topic));
    },
    subscribe: (args) => {
      const first = args[0];
      const options = first instanceof Dict ? first : null;
      const topic = requiredString(options ? options.get("topic") : first, "event_log.subscribe", "topic");
      const cursorValue = options
        ? (options.map.get("from_cursor") ?? options.map.get("cursor") ?? options.map.get("from"))
        : args[1];
      const from = cursorArg(cursorValue, "event_log.subscribe");
      const log = eventLogOf(vm);
      const stream = new TaskStream();
      logged(() => {
        // Listen before replaying so nothing appended in between is lost; the
        // id check drops live events the replay already delivered.
        let delivered = from ?? 0;
        const deliver = (record: LogRecord): void => {
          if (record.id <= delivered) return;
          delivered = record.id;
          stream.push({ value: recordValue(topic, record) });
        };
        log.listen(topic, deliver);
        for (const record of log.read(topic, from)) deliver(record);
      });
      return streamValue(vm, stream);
    },
  };
  const members = new Map<string, Value>([["_namespace", "event_log"]]);
  for (const [op, fn] of Object.entries(ops)) {
    const name = `event_log.${op}`;
    vm.registerBuiltin(name, fn);
    members.set(op, new BuiltinRef(name, fn));
  }
  vm.globals.set("event_log", new Dict(members));
}
