// Scheduler behaviour with scripted tasks instead of the interpreter: ready
// tasks run in FIFO order, a task that uses up its slice goes to the back of
// the queue, a parked task resumes with the value (or error) of the Promise
// it waits on, and a settlement that arrives after the park was cut short
// (cancellation, deadline) does not resume a later park. The deferral hook
// is replaced by a manual queue so every step is deterministic.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Exit } from "./interpreter.ts";
import { type Defer, Scheduler } from "./scheduler.ts";
import { type AmbientContext, Task, TaskState } from "./task.ts";
import type { Value } from "./values.ts";

const context: AmbientContext = {
  forInlineSubtask: () => context,
  forSpawnedWorker: () => context,
};

/** One scripted step of a task: what `exec` does when the task runs. */
type Step = { exit: Exit.Done } | { exit: Exit.Yielded } | { exit: Exit.Parked; on: Promise<Value> };

interface Harness {
  readonly scheduler: Scheduler;
  /** Names of tasks in the order they ran, one entry per run. */
  readonly ran: string[];
  /** Names of tasks in the order they finished. */
  readonly finished: string[];
  /** What each run of a task saw as its resume value / error. */
  readonly seen: string[];
  task(name: string, steps: Step[]): Task;
  /** Runs the deferred drains until none is pending; returns how many ran. */
  flush(): number;
  pendingDrains(): number;
}

function harness(): Harness {
  const scripts = new Map<Task, Step[]>();
  const ran: string[] = [];
  const finished: string[] = [];
  const seen: string[] = [];
  const drains: (() => void)[] = [];
  const defer: Defer = (fn) => drains.push(fn);
  let nextId = 0;
  const exec = (task: Task): Exit => {
    ran.push(task.name);
    if (task.hasResumeError) {
      seen.push(`${task.name}:error:${String(task.resumeError)}`);
      task.hasResumeError = false;
      task.resumeError = undefined;
    } else if (task.resumeValue !== null) {
      seen.push(`${task.name}:value:${String(task.resumeValue)}`);
      task.resumeValue = null;
    }
    const step = scripts.get(task)!.shift() ?? { exit: Exit.Done };
    if (step.exit === Exit.Parked) task.waitingOn = step.on;
    return step.exit;
  };
  const scheduler = new Scheduler(exec, (t) => finished.push(t.name), defer);
  return {
    scheduler,
    ran,
    finished,
    seen,
    task(name, steps) {
      const t = new Task(nextId++, context, name);
      scripts.set(t, steps);
      return t;
    },
    flush() {
      let count = 0;
      while (drains.length > 0) {
        drains.shift()!();
        count++;
      }
      return count;
    },
    pendingDrains: () => drains.length,
  };
}

/** A promise with its settle functions exposed. */
function deferred(): { promise: Promise<Value>; resolve: (v: Value) => void; reject: (e: unknown) => void } {
  let resolve!: (v: Value) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<Value>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets promise reactions run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe("ready queue", () => {
  test("ready tasks run in FIFO order, in one deferred drain", () => {
    const h = harness();
    for (const name of ["a", "b", "c"]) h.scheduler.enqueue(h.task(name, []));
    assert.deepEqual(h.ran, [], "enqueue must not run anything synchronously");
    assert.equal(h.pendingDrains(), 1, "one drain is scheduled for the whole batch");
    h.flush();
    assert.deepEqual(h.ran, ["a", "b", "c"]);
    assert.deepEqual(h.finished, ["a", "b", "c"]);
  });

  test("a task that yields goes to the back of the queue", () => {
    const h = harness();
    h.scheduler.enqueue(h.task("busy", [{ exit: Exit.Yielded }, { exit: Exit.Yielded }]));
    h.scheduler.enqueue(h.task("quick", []));
    h.flush();
    assert.deepEqual(h.ran, ["busy", "quick", "busy", "busy"]);
    assert.deepEqual(h.finished, ["quick", "busy"]);
  });

  test("runNow runs a task synchronously", () => {
    const h = harness();
    const t = h.task("main", []);
    h.scheduler.runNow(t);
    assert.deepEqual(h.ran, ["main"]);
    assert.equal(t.state, TaskState.Done);
  });

  test("a finished task left in the queue is skipped", () => {
    const h = harness();
    const t = h.task("stale", []);
    h.scheduler.enqueue(t);
    t.state = TaskState.Done;
    h.flush();
    assert.deepEqual(h.ran, []);
  });

  test("shouldYield reports waiting tasks", () => {
    const h = harness();
    assert.equal(h.scheduler.shouldYield(), false);
    h.scheduler.enqueue(h.task("waiting", []));
    assert.equal(h.scheduler.shouldYield(), true);
    h.flush();
    assert.equal(h.scheduler.shouldYield(), false);
  });
});

describe("parking", () => {
  test("a parked task resumes with the value its promise resolves to", async () => {
    const h = harness();
    const p = deferred();
    const t = h.task("io", [{ exit: Exit.Parked, on: p.promise }]);
    h.scheduler.runNow(t);
    assert.equal(t.state, TaskState.Parked);
    assert.equal(t.waitingOn, null, "the scheduler takes over the promise");
    h.flush();
    assert.deepEqual(h.ran, ["io"], "a parked task is not run again before it settles");
    p.resolve("payload");
    await settle();
    h.flush();
    assert.deepEqual(h.ran, ["io", "io"]);
    assert.deepEqual(h.seen, ["io:value:payload"]);
    assert.equal(t.state, TaskState.Done);
  });

  test("a rejected promise resumes the task with the error", async () => {
    const h = harness();
    const p = deferred();
    h.scheduler.runNow(h.task("io", [{ exit: Exit.Parked, on: p.promise }]));
    p.reject("boom");
    await settle();
    h.flush();
    assert.deepEqual(h.seen, ["io:error:boom"]);
  });

  test("other tasks keep running while one is parked", async () => {
    const h = harness();
    const p = deferred();
    h.scheduler.enqueue(h.task("waiter", [{ exit: Exit.Parked, on: p.promise }]));
    h.scheduler.enqueue(h.task("worker", [{ exit: Exit.Yielded }]));
    h.flush();
    assert.deepEqual(h.ran, ["waiter", "worker", "worker"]);
    p.resolve(1);
    await settle();
    h.flush();
    assert.deepEqual(h.ran, ["waiter", "worker", "worker", "waiter"]);
    assert.deepEqual(h.finished, ["worker", "waiter"]);
  });

  test("tasks woken by settlements run in the order they were woken", async () => {
    const h = harness();
    const first = deferred();
    const second = deferred();
    h.scheduler.enqueue(h.task("x", [{ exit: Exit.Parked, on: first.promise }]));
    h.scheduler.enqueue(h.task("y", [{ exit: Exit.Parked, on: second.promise }]));
    h.flush();
    second.resolve("y-done");
    await settle();
    first.resolve("x-done");
    await settle();
    h.flush();
    assert.deepEqual(h.ran.slice(2), ["y", "x"]);
  });

  test("interrupting a parked task wakes it with the error", () => {
    const h = harness();
    const t = h.task("sleeper", [{ exit: Exit.Parked, on: deferred().promise }]);
    h.scheduler.runNow(t);
    h.scheduler.interruptParked(t, "cancelled");
    h.flush();
    assert.deepEqual(h.seen, ["sleeper:error:cancelled"]);
    assert.equal(t.state, TaskState.Done);
  });

  test("interrupting a task that is not parked does nothing", () => {
    const h = harness();
    const t = h.task("ready", []);
    h.scheduler.enqueue(t);
    h.scheduler.interruptParked(t, "ignored");
    h.flush();
    assert.deepEqual(h.ran, ["ready"]);
    assert.deepEqual(h.seen, []);
  });

  test("a stale settlement does not resume a later park", async () => {
    const h = harness();
    const first = deferred();
    const second = deferred();
    const t = h.task("t", [
      { exit: Exit.Parked, on: first.promise },
      { exit: Exit.Parked, on: second.promise },
    ]);
    h.scheduler.runNow(t);
    // The first wait is cut short; the task runs on and parks again.
    h.scheduler.interruptParked(t, "deadline");
    h.flush();
    assert.equal(t.state, TaskState.Parked);
    // The first promise settles late: it must not wake the second park.
    first.resolve("late");
    await settle();
    h.flush();
    assert.deepEqual(h.ran, ["t", "t"]);
    assert.equal(t.state, TaskState.Parked);
    second.resolve("fresh");
    await settle();
    h.flush();
    assert.deepEqual(h.ran, ["t", "t", "t"]);
    assert.deepEqual(h.seen, ["t:error:deadline", "t:value:fresh"]);
    assert.equal(t.state, TaskState.Done);
  });

  test("a stale rejection is ignored as well", async () => {
    const h = harness();
    const first = deferred();
    const t = h.task("t", [{ exit: Exit.Parked, on: first.promise }]);
    h.scheduler.runNow(t);
    h.scheduler.interruptParked(t, "cancelled");
    h.flush();
    first.reject("too late");
    await settle();
    assert.equal(h.pendingDrains(), 0);
    assert.deepEqual(h.seen, ["t:error:cancelled"]);
    assert.deepEqual(h.finished, ["t"]);
  });
});
