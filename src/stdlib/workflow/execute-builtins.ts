// `workflow_execute(task, graph, artifacts?, options?)`: the builtin over
// execute.ts. The run is a Promise the calling task parks on; cancelling
// the task aborts the stage in progress.

import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { normalizeArtifactList, type RecordEnv } from "../orchestration/artifacts.ts";
import type { SystemHost } from "../system/host.ts";
import { executeWorkflow } from "./execute.ts";
import { normalizeWorkflow } from "./graph.ts";
import type { Delegate } from "./stage-run.ts";
import type { StageSite } from "./stage-site.ts";

/** A site for work started by the builtin call `ctx`. */
export function callerSite(
  vm: Vm,
  ctx: BuiltinContext,
  system: SystemHost,
  records: RecordEnv,
  signal: AbortSignal,
): StageSite {
  return { vm, owner: ctx.task, ctx: contextOf(ctx.task), signal, caller: ctx, system, records };
}

export function registerExecuteBuiltin(
  vm: Vm,
  system: SystemHost,
  records: RecordEnv,
  delegate: Delegate,
): void {
  vm.registerBuiltin("workflow_execute", (args: Value[], ctx) => {
    const task = args[0] === undefined || args[0] === null ? "" : display(args[0]);
    if (args[1] === undefined) throw runtimeError("workflow_execute: missing workflow");
    const graph = normalizeWorkflow(args[1], "workflow_execute");
    const artifacts = normalizeArtifactList(args[2], records, "workflow_execute");
    const options = args[3] instanceof Dict ? args[3] : new Dict();
    const controller = new AbortController();
    const site = callerSite(vm, ctx, system, records, controller.signal);
    return cancellable(executeWorkflow({ site, task, graph, artifacts, options, delegate }), () =>
      controller.abort(),
    );
  });
}
