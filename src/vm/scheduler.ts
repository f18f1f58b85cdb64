// Cooperative scheduler for tasks. A task runs synchronously until it
// finishes, parks on a Promise (resumed when it settles) or uses up its
// budget; ready tasks run in FIFO order, and the scheduler hands control
// back to the event loop regularly so timers and I/O keep flowing.

import { Exit } from "./interpreter.ts";
import { type Task, TaskState } from "./task.ts";

/** How long a batch of task runs may hold the event loop (ms). */
const SLICE_MS = 20;

export type Defer = (fn: () => void) => void;

/** A Promise a builtin parks on, with a hook that releases its resources if the wait is cut short. */
export type CancellableWait = Promise<unknown> & { cancel?: () => void };

/** Attaches a cancellation hook to a wait. */
export function cancellable<T>(promise: Promise<T>, cancel: () => void): Promise<T> {
  return Object.assign(promise, { cancel });
}

const defaultDefer: Defer =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (fn) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

export class Scheduler {
  private readonly ready: Task[] = [];
  private head = 0;
  private scheduled = false;
  private sliceStart = Date.now();

  constructor(
    private readonly exec: (task: Task) => Exit,
    private readonly onFinished: (task: Task) => void,
    private readonly defer: Defer = defaultDefer,
  ) {}

  /** Wakes a parked task with an error (cancellation, deadline) instead of its result. */
  interruptParked(task: Task, error: unknown): void {
    if (task.state !== TaskState.Parked) return;
    task.parkCount++;
    const cancel = task.cancelWait;
    task.cancelWait = null;
    cancel?.();
    task.resumeError = error;
    task.hasResumeError = true;
    this.enqueue(task);
  }

  /** Queue a task to run. */
  enqueue(task: Task): void {
    task.state = TaskState.Ready;
    this.ready.push(task);
    this.kick();
  }

  /** True when the running task should let others run. */
  shouldYield(): boolean {
    return this.ready.length > this.head || Date.now() - this.sliceStart > SLICE_MS;
  }

  /** Runs `task` right away, synchronously (program start). */
  runNow(task: Task): void {
    this.sliceStart = Date.now();
    this.runOne(task);
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    this.sliceStart = Date.now();
    while (this.head < this.ready.length) {
      const task = this.ready[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.ready.length) {
        this.ready.splice(0, this.head);
        this.head = 0;
      }
      if (task.state === TaskState.Done) continue;
      this.runOne(task);
      if (Date.now() - this.sliceStart > SLICE_MS) {
        if (this.head < this.ready.length) this.kick();
        return;
      }
    }
  }

  /** The task whose code is executing right now (builtins run inside it). */
  current: Task | null = null;

  private runOne(task: Task): void {
    task.state = TaskState.Running;
    const previous = this.current;
    this.current = task;
    let exit: Exit;
    try {
      exit = this.exec(task);
    } finally {
      this.current = previous;
    }
    switch (exit) {
      case Exit.Done:
        task.state = TaskState.Done;
        this.onFinished(task);
        return;
      case Exit.Yielded:
        this.enqueue(task);
        return;
      case Exit.Parked: {
        task.state = TaskState.Parked;
        const waiting = task.waitingOn!;
        task.waitingOn = null;
        task.cancelWait = (waiting as CancellableWait).cancel ?? null;
        // A park can be cut short (cancellation, deadline); a late settlement must not resume a later park.
        const park = ++task.parkCount;
        waiting.then(
          (v) => {
            if (task.state !== TaskState.Parked || task.parkCount !== park) return;
            task.resumeValue = v;
            this.enqueue(task);
          },
          (e: unknown) => {
            if (task.state !== TaskState.Parked || task.parkCount !== park) return;
            task.resumeError = e;
            task.hasResumeError = true;
            this.enqueue(task);
          },
        );
        return;
      }
    }
  }
}
