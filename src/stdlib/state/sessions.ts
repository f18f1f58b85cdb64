// What the state builtins read from the task's mutation session (the run
// a write belongs to). The TaskContext slot is typed by the runtime module
// that owns it; until then it is read structurally, accepting any object
// with these optional string fields, and ignoring anything else.

import { contextOf } from "../../runtime/task-context.ts";
import type { BuiltinContext } from "../../vm/values.ts";

export interface MutationSessionInfo {
  readonly sessionId?: string;
  readonly workerId?: string;
  readonly runId?: string;
  readonly executionKind?: string;
}

function field(source: object, name: keyof MutationSessionInfo): string | undefined {
  const v = (source as Record<string, unknown>)[name];
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** The calling task's mutation session, when it has one. */
export function mutationSessionOf(ctx: BuiltinContext): MutationSessionInfo | undefined {
  const raw = contextOf(ctx.task).slots.mutationSession;
  if (typeof raw !== "object" || raw === null) return undefined;
  return {
    sessionId: field(raw, "sessionId"),
    workerId: field(raw, "workerId"),
    runId: field(raw, "runId"),
    executionKind: field(raw, "executionKind"),
  };
}
