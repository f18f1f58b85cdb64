// `monitor_wait_for_native(options)` behind std/monitors' `wait_for`: polls
// `source.poll({wait_id, poll_count, last_push_event})`, asks
// `condition(state)`, and stops when the condition holds ("matched") or the
// timeout has passed after a poll ("timed_out"); there is always at least
// one poll. The outcome is logged under the wait id, so a wait whose id
// already has an outcome answers from history. Runs as a native callback
// driver, so `poll` and `condition` may themselves suspend.

import { v7 as uuidV7 } from "uuid";
import { eventLogOf } from "../../runtime/events/active-log.ts";
import { logEvent } from "../../runtime/events/event-log.ts";
import { toJsonData } from "../../runtime/events/json-data.ts";
import { sanitizeTopicComponent } from "../../runtime/events/topic.ts";
import { truthy, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { CallRequest, Closure, Dict, Duration, HFloat, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { wait } from "../iter.ts";

const BUILTIN = "monitor_wait_for_native";
const DEFAULT_POLL_MS = 10_000;

interface MonitorOptions {
  readonly waitId: string;
  readonly label: string | null;
  readonly poll: Closure;
  readonly condition: Closure;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

function closureField(d: Dict, field: string, owner: string): Closure {
  const v = d.get(field);
  if (v instanceof Closure) return v;
  const got = v === null ? "" : `, got ${typeName(v)}`;
  throw runtimeError(`${owner}: ${field} must be a closure${got}`);
}

function textField(d: Dict, field: string): string | null {
  const v = d.get(field);
  if (v === null || (typeof v === "string" && v.trim() === "")) return null;
  if (typeof v === "string") return v;
  throw runtimeError(`${BUILTIN}: ${field} must be a string, got ${typeName(v)}`);
}

function durationMs(v: Value): number {
  if (v instanceof Duration && v.ms >= 0) return v.ms;
  if (typeof v === "number" && v >= 0) return v;
  if (v instanceof HFloat && v.v >= 0) return Math.floor(v.v);
  throw runtimeError(`${BUILTIN}: expected duration or non-negative millisecond count, got ${typeName(v)}`);
}

function parseOptions(v: Value | undefined): MonitorOptions {
  if (v === undefined) throw runtimeError(`${BUILTIN}: options are required`);
  if (!(v instanceof Dict)) throw runtimeError(`${BUILTIN}: expected dict options, got ${typeName(v)}`);
  const condition = closureField(v, "condition", BUILTIN);
  const source = v.get("source");
  let poll: Closure;
  let label: string | null = null;
  if (source instanceof Closure) poll = source;
  else if (source instanceof Dict) {
    poll = closureField(source, "poll", `${BUILTIN} source`);
    label = textField(source, "label");
  } else if (source === null) throw runtimeError(`${BUILTIN}: source is required`);
  else throw runtimeError(`${BUILTIN}: source must be a closure or dict, got ${typeName(source)}`);
  if (!v.map.has("timeout")) throw runtimeError(`${BUILTIN}: timeout is required`);
  const pollMs = v.map.has("poll_interval") ? durationMs(v.get("poll_interval")) : DEFAULT_POLL_MS;
  if (pollMs === 0) throw runtimeError(`${BUILTIN}: poll_interval must be greater than zero`);
  return {
    waitId: textField(v, "wait_id") ?? `monitor_wait_${uuidV7()}`,
    label,
    poll,
    condition,
    timeoutMs: durationMs(v.get("timeout")),
    pollMs,
  };
}

function delay(ms: number): Promise<Value> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

export function registerMonitors(vm: Vm, nowMs: () => number): void {
  const iso = (): string => new Date(nowMs()).toISOString();

  function* run(o: MonitorOptions): Generator<CallRequest, Value, Value> {
    const log = eventLogOf(vm);
    const topic = `monitor.wait.${sanitizeTopicComponent(o.waitId)}`;
    const recorded = log.read(topic).find((r) => r.event.kind === "monitor_terminal");
    if (recorded) return recorded.event.payload;
    const startedAt = iso();
    const deadline = nowMs() + o.timeoutMs;
    let polls = 0;
    for (;;) {
      const context = Dict.of({ wait_id: o.waitId, poll_count: polls, last_push_event: null });
      const state: Value = yield new CallRequest(o.poll, [context]);
      polls++;
      const verdict: Value = yield new CallRequest(o.condition, [state]);
      const matched = truthy(verdict);
      const remaining = deadline - nowMs();
      if (matched || remaining <= 0) {
        const result = Dict.of({
          wait_id: o.waitId,
          status: matched ? "matched" : "timed_out",
          source_label: o.label,
          started_at: startedAt,
          resolved_at: iso(),
          state: toJsonData(state),
          condition_value: toJsonData(verdict),
          poll_count: polls,
          push_wake_count: 0,
          trace_id: null,
          replay_of_event_id: null,
          reason: matched ? null : "deadline elapsed",
        });
        log.append(topic, logEvent("monitor_terminal", result, nowMs()));
        return result;
      }
      yield* wait(delay(Math.min(o.pollMs, remaining)));
    }
  }

  vm.registerBuiltin(BUILTIN, (args) => new NativeCall(run(parseOptions(args[0]))));
}
