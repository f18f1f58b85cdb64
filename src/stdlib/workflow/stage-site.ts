// Where a workflow's stages run: the VM, the task whose output and
// cancellation the stages share (null for a detached worker), the ambient
// scope the stage runs under, and the calling builtin's context for the
// builtins the runtime reuses (run-record persistence, path resolution).

import type { RecordEnv } from "../orchestration/artifacts.ts";
import type { TaskContext } from "../../runtime/task-context.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import type { BuiltinContext, Value } from "../../vm/values.ts";
import { CallRequest, NativeCall } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";

export interface StageSite {
  readonly vm: Vm;
  readonly owner: Task | null;
  readonly ctx: TaskContext;
  readonly signal: AbortSignal;
  /** The builtin context of the code that started the workflow. */
  readonly caller: BuiltinContext;
  readonly system: SystemHost;
  readonly records: RecordEnv;
}

/** The same site with another ambient scope. */
export function withContext(site: StageSite, ctx: TaskContext): StageSite {
  return { ...site, ctx };
}

/**
 * Calls another builtin of the VM by name (the run-record, artifact and
 * path builtins), so the workflow runtime stores records exactly as the
 * builtins scripts call do. Only synchronous builtins may be called here.
 */
export function callBuiltin(site: StageSite, name: string, args: Value[]): Value {
  const fn = site.vm.builtins.get(name);
  if (fn === undefined) throw runtimeError(`workflow runtime: builtin ${name} is not installed`);
  const r = fn.fn(args, site.caller);
  if (r instanceof Promise || r instanceof NativeCall || r instanceof CallRequest) {
    throw runtimeError(`workflow runtime: builtin ${name} cannot be called from the runtime`);
  }
  return r;
}
