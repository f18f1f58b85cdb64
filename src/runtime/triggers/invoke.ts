// Running a handler or predicate for a dispatch. A Harn closure runs as a child task of
// the caller (so its output joins the caller's, and it dies with it) whose
// ambient context carries the dispatch and the execution policy of the
// autonomy tier, narrowed by whatever policy the caller already runs under.
// Errors come back as rejections, so the dispatcher can classify them. A
// native (TypeScript) handler is simply called with the dispatch context.

import type { Task } from "../../vm/task.ts";
import { runtimeError, type VmError } from "../../vm/errors.ts";
import { Closure, type Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type CapabilityPolicy, PolicyError } from "../policy/capability-policy.ts";
import { contextOf, push, top } from "../task-context.ts";
import type { HandlerTarget } from "./binding.ts";
import { attachDispatchContext, type DispatchContext } from "./dispatch-context.ts";

export interface InvokeOptions {
  readonly dispatch: DispatchContext;
  readonly policy: CapabilityPolicy;
  /** Cancel the call after this long and fail with `timeoutMessage`. */
  readonly timeoutMs?: number | null;
  readonly timeoutMessage?: string;
}

export function invokeForDispatch(
  vm: Vm,
  caller: Task,
  target: HandlerTarget,
  event: Dict,
  options: InvokeOptions,
): Promise<Value> {
  if (!(target instanceof Closure)) return target.run(event, options.dispatch);
  return invokeClosure(vm, caller, target, [event], options);
}

function invokeClosure(
  vm: Vm,
  caller: Task,
  fn: Closure,
  args: Value[],
  options: InvokeOptions,
): Promise<Value> {
  const ctx = contextOf(caller);
  const ceiling = top(ctx.slots.executionPolicies) as CapabilityPolicy | undefined;
  let policy = options.policy;
  if (ceiling !== undefined) {
    try {
      policy = ceiling.intersect(policy);
    } catch (e) {
      if (e instanceof PolicyError) return Promise.reject(runtimeError(e.message));
      throw e;
    }
  }
  const childCtx = ctx
    .forInlineSubtask()
    .with({ executionPolicies: push(ctx.slots.executionPolicies, policy) });
  const child = vm.createTask(fn, args, childCtx, `trigger:${options.dispatch.bindingId}`, caller);
  child.identity = {
    id: `${caller.identity.id}:trigger:${++caller.spawnCounter}`,
    name: child.identity.name,
    parentId: caller.identity.id,
    rootId: caller.identity.rootId,
    groupId: null,
  };
  child.output = [];
  attachDispatchContext(child, options.dispatch);
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    if (options.timeoutMs !== undefined && options.timeoutMs !== null) {
      timer = setTimeout(() => {
        timedOut = true;
        vm.cancelTask(child);
      }, options.timeoutMs);
    }
    child.onDone.push((t) => {
      if (timer !== undefined) clearTimeout(timer);
      vm.adoptOutput(t, caller);
      if (timedOut) reject(runtimeError(options.timeoutMessage ?? "timed out"));
      else if (t.error) reject(t.error as VmError);
      else resolve(t.result);
    });
    vm.scheduler.enqueue(child);
  });
}
