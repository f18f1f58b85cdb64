// Native streams fed by tasks: `parallel each ... as stream` (results in
// completion order) and `parallel_race`. A stream is single-pass; pulling
// from an empty open stream parks the consumer; an error is raised at the
// pull site and cancels the producers that are still running.

import { display } from "../../vm/display.ts";
import { thrown, type VmError } from "../../vm/errors.ts";
import { LOOP_DONE, type LoopSource } from "../../vm/iterators.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, EnumValue, HandleValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { runCapped } from "./children.ts";

type Item = { readonly value: Value } | { readonly error: VmError };

export class TaskStream {
  private readonly items: Item[] = [];
  private readonly waiters: ((item: Item | typeof LOOP_DONE) => void)[] = [];
  private open = true;
  done = false;
  /** Producers to cancel when the consumer hits an error or stops. */
  producers: Task[] = [];

  push(item: Item): void {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.items.push(item);
  }

  close(): void {
    this.open = false;
    for (const w of this.waiters.splice(0)) w(LOOP_DONE);
  }

  /** The next item now, LOOP_DONE when finished, or a Promise of either. */
  pull(): Item | typeof LOOP_DONE | Promise<Item | typeof LOOP_DONE> {
    const item = this.items.shift();
    if (item) return item;
    if (!this.open) {
      this.done = true;
      return LOOP_DONE;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function unwrapItem(vm: Vm, stream: TaskStream, item: Item | typeof LOOP_DONE): Value | typeof LOOP_DONE {
  if (item === LOOP_DONE) return LOOP_DONE;
  if ("error" in item) {
    for (const t of stream.producers) vm.cancelTask(t);
    throw item.error;
  }
  return item.value;
}

export function streamValue(vm: Vm, stream: TaskStream): HandleValue {
  const loop = (): LoopSource => ({
    next() {
      const item = stream.pull();
      if (item instanceof Promise) return item.then((i) => unwrapItem(vm, stream, i));
      const v = unwrapItem(vm, stream, item);
      return v === LOOP_DONE ? undefined : v;
    },
  });
  return new HandleValue("stream", () => (stream.done ? "<stream (done)>" : "<stream>"), stream, loop);
}

/** `stream.next()`: `{value, done}`. */
export function streamNext(vm: Vm, stream: TaskStream): Value | Promise<Value> {
  const toDict = (item: Item | typeof LOOP_DONE): Value => {
    const v = unwrapItem(vm, stream, item);
    return v === LOOP_DONE ? Dict.of({ value: null, done: true }) : Dict.of({ value: v, done: false });
  };
  const item = stream.pull();
  return item instanceof Promise ? item.then(toDict) : toDict(item);
}

/** Starts the tasks of `parallel each ... as stream` and returns the stream of their results. */
export function parallelStream(
  vm: Vm,
  parent: Task,
  closure: import("../../vm/values.ts").Closure,
  items: Value[],
  limit: number,
): HandleValue {
  const stream = new TaskStream();
  const all = runCapped(
    vm,
    parent,
    closure,
    items,
    limit,
    "parallel each",
    "parallel_each_stream",
    (child) => {
      stream.producers.push(child);
      child.onDone.push((t) => {
        vm.adoptOutput(t, parent);
        stream.push(t.error ? { error: t.error } : { value: t.result });
      });
    },
  );
  void all.then(() => stream.close());
  return streamValue(vm, stream);
}

/** The payload a racer contributes: plain values and `Ok(v)` win, `Err` and throws lose. */
function raceOutcome(t: Task): { won: Value } | { lost: string } {
  if (t.error) return { lost: t.error.display(display) };
  const v = t.result;
  if (v instanceof EnumValue && v.enumName === "Result") {
    return v.variant === "Ok" ? { won: v.fields[0] ?? null } : { lost: display(v.fields[0] ?? null) };
  }
  return { won: v };
}

/** `parallel_race(items, fn)`: the first success wins and the rest are cancelled. */
export function parallelRace(
  vm: Vm,
  parent: Task,
  closure: import("../../vm/values.ts").Closure,
  items: Value[],
): Promise<Value> {
  return new Promise((resolve, reject) => {
    const tasks: Task[] = [];
    const failures: string[] = [];
    let settled = false;
    const all = runCapped(
      vm,
      parent,
      closure,
      items,
      Number.POSITIVE_INFINITY,
      "parallel_race",
      "parallel_race",
      (child) => {
        tasks.push(child);
        child.onDone.push((t) => {
          if (settled || t.cancelled) return;
          const outcome = raceOutcome(t);
          if ("won" in outcome) {
            settled = true;
            vm.adoptOutput(t, parent);
            for (const other of tasks) if (other !== t) vm.cancelTask(other);
            resolve(outcome.won);
          } else {
            failures.push(outcome.lost);
          }
        });
      },
    );
    void all.then(() => {
      if (!settled) reject(thrown(`parallel_race: all ${items.length} tasks failed: ${failures.join("; ")}`));
    });
  });
}
