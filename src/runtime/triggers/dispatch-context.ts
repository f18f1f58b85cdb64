// The dispatch a task is running a trigger handler or predicate for, read
// by `handler_context()`, `trust_record` (trace id) and replay-aware
// builtins. It is attached to the task the dispatcher starts and found by
// walking up the task tree, so tasks the handler spawns see it too.
//
// TaskContext has no slot for it yet, so it hangs off the task in a
// WeakMap; moving it into a TaskContext slot changes only this file.

import type { Task } from "../../vm/task.ts";
import type { Dict } from "../../vm/values.ts";
import type { AutonomyTier } from "./binding.ts";

export interface DispatchContext {
  readonly event: Dict;
  readonly traceId: string;
  readonly replayOfEventId: string | null;
  readonly bindingId: string;
  readonly bindingVersion: number;
  /** The agent is the binding id; the action is `<provider>.<kind>`. */
  readonly agent: string;
  readonly action: string;
  readonly autonomyTier: AutonomyTier;
}

const contexts = new WeakMap<Task, DispatchContext>();

export function attachDispatchContext(task: Task, context: DispatchContext): void {
  contexts.set(task, context);
}

/** The dispatch `task` (or the nearest task above it) runs for, if any. */
export function dispatchContextOf(task: Task): DispatchContext | null {
  for (let t: Task | null = task; t !== null; t = t.parent) {
    const found = contexts.get(t);
    if (found) return found;
  }
  return null;
}
