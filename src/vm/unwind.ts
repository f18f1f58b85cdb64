// Leaving the normal flow: checkpoints (interrupts, deadlines, fairness),
// turning anything thrown into a located VmError, and unwinding frames and
// generator fibers to the nearest handler.

import { ErrorKind, runtimeError, VmError } from "./errors.ts";
import type { RuntimeApi } from "./runtime-api.ts";
import type { Fiber, Frame, Task } from "./task.ts";
import type { Value } from "./values.ts";

/** Marks a generator fiber (and its value) as finished. */
export function finishedGenerator(fiber: Fiber): void {
  fiber.done = true;
  if (fiber.generator) fiber.generator.done = true;
}

/** Interrupts, deadlines and fairness; true when the task should yield its turn. */
export function checkpoint(rt: RuntimeApi, task: Task): boolean {
  if (task.interrupt !== null) {
    const e = task.interrupt;
    task.interrupt = null;
    throw e;
  }
  if (task.deadlines.length > 0) {
    const now = Date.now();
    for (const d of task.deadlines) {
      if (!d.fired && now >= d.at) {
        d.fired = true;
        throw runtimeError("Deadline exceeded");
      }
    }
  }
  return rt.shouldYield(task);
}

/** Normalises anything thrown inside the loop and records where it happened. */
export function raiseAt(rt: RuntimeApi, frame: Frame, e: unknown): VmError {
  let error: VmError;
  if (e instanceof VmError) error = e;
  else if (e instanceof RangeError && /call stack/i.test(e.message))
    error = new VmError(ErrorKind.StackOverflow, "");
  else error = rt.hostError(e);
  if (error.line === 0 && frame.proto !== null) {
    const at = Math.max(0, frame.ip - 1);
    error.line = frame.proto.lines[at] ?? 0;
    error.col = frame.proto.cols[at] ?? 0;
    error.file = frame.proto.file;
  }
  return error;
}

/**
 * Unwinds to the nearest handler (in this fiber, then in the fibers that
 * resumed it). Returns false when the error escapes the task.
 */
export function unwind(task: Task, error: VmError): boolean {
  let fiber = task.fiber;
  for (;;) {
    const frames = fiber.frames;
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.native !== null && f.catchesErrors) {
        // The builtin gets the error thrown into it on the next turn of the loop.
        task.continuation = { kind: "native", frame: f };
        task.hasResumeError = true;
        task.resumeError = error;
        task.fiber = fiber;
        return true;
      }
      if (f.native !== null) {
        frames.pop();
        fiber.sp = f.retSp;
        try {
          f.native.return(null);
        } catch {
          // the native builtin's own cleanup failed; the original error wins
        }
        continue;
      }
      const hs = f.handlers;
      if (hs !== null && hs.length > 0) {
        const h = hs.pop()!;
        fiber.sp = h.sp;
        fiber.stack[fiber.sp++] = error as unknown as Value;
        f.ip = h.target;
        task.fiber = fiber;
        return true;
      }
      frames.pop();
      fiber.sp = f.retSp;
    }
    if (fiber === task.mainFiber || fiber.parent === null) {
      task.error = error;
      task.fiber = fiber;
      return false;
    }
    finishedGenerator(fiber);
    const parent = fiber.parent;
    fiber.parent = null;
    fiber = parent;
    task.fiber = fiber;
  }
}
