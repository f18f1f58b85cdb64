// The replay journal: results a trigger handler got from the outside world
// (a human's answer, an approval, a tool's reply) are recorded under the
// dispatch's event, so replaying that event hands the handler the same
// results instead of asking again. A result is keyed by the original event
// id, a channel name and its sequence number within the dispatch, which is
// stable because a replay runs the same handler code in the same order.
//
// Builtins with such results wrap them in `journaled(...)`; outside a
// trigger dispatch it simply runs `live`.

import { type CancellableWait, cancellable } from "../../vm/scheduler.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import { toJsonData } from "../events/json-data.ts";
import { type DispatchContext, dispatchContextOf } from "./dispatch-context.ts";
import { eventId } from "./event.ts";

export const REPLAY_JOURNAL_TOPIC = "trigger.replay.journal";

/** Per dispatch (each run of a handler has its own context object), the next sequence per channel. */
const sequences = new WeakMap<DispatchContext, Map<string, number>>();

function nextSequence(d: DispatchContext, channel: string): number {
  let counters = sequences.get(d);
  if (!counters) {
    counters = new Map();
    sequences.set(d, counters);
  }
  const n = (counters.get(channel) ?? 0) + 1;
  counters.set(channel, n);
  return n;
}

function recorded(log: EventLog, originalId: string, channel: string, seq: number): Value | undefined {
  for (const { event } of log.read(REPLAY_JOURNAL_TOPIC)) {
    const p = event.payload;
    if (
      p instanceof Dict &&
      p.get("event_id") === originalId &&
      p.get("channel") === channel &&
      p.get("seq") === seq
    ) {
      return p.get("value");
    }
  }
  return undefined;
}

/**
 * The result of `live()`, journaled when `task` runs inside a trigger
 * dispatch; during a replay of that dispatch, the recorded result (when
 * there is one) without calling `live`.
 *
 * Not `async`: `live()` may return a cancellable wait (an `ask_user`
 * timer), and the scheduler can only release it on `cancel(task)` if the
 * wait it parks on still carries that cancel hook — an `async` wrapper
 * would hand it a fresh Promise without one and keep the process alive.
 */
export function journaled(
  log: EventLog,
  task: Task,
  channel: string,
  nowMs: number,
  live: () => Value | Promise<Value>,
): Value | Promise<Value> {
  const d = dispatchContextOf(task);
  if (d === null) return live();
  const originalId = d.replayOfEventId ?? eventId(d.event);
  const seq = nextSequence(d, channel);
  if (d.replayOfEventId !== null) {
    const found = recorded(log, originalId, channel, seq);
    if (found !== undefined) return found;
  }
  const record = (value: Value): Value => {
    const payload = Dict.of({ event_id: originalId, channel, seq, value: toJsonData(value) });
    log.append(REPLAY_JOURNAL_TOPIC, logEvent("journal_entry", payload, nowMs));
    return value;
  };
  const result = live();
  if (!(result instanceof Promise)) return record(result);
  const wait = result as CancellableWait;
  return cancellable(result.then(record), () => wait.cancel?.());
}
