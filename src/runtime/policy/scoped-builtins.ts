// Scoped ambient setters: `with_execution_policy(policy, fn)` and its
// siblings push onto the calling task's ambient stacks for the duration of
// `fn` and pop on every exit path (return, throw, cancellation), because
// the callback runs through a native driver whose `finally` restores the
// slot. Only the execution policy is intersected with the enclosing one.

import { runtimeError, typeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import {
  type BuiltinContext,
  BuiltinRef,
  CallRequest,
  Closure,
  NativeCall,
  type Value,
} from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { contextOf, push, type Stack, type TaskContextSlots, top } from "../task-context.ts";
import { CapabilityPolicy, PolicyError } from "./capability-policy.ts";

type StackSlot = "executionPolicies" | "approvalPolicies" | "commandPolicies" | "dynamicPermissions";

function* scoped(
  task: Task,
  slot: StackSlot,
  entry: unknown,
  fn: Value,
): Generator<CallRequest, Value, Value> {
  const saved = contextOf(task).slots[slot];
  task.ctx = contextOf(task).with({
    [slot]: push(saved as Stack<unknown>, entry),
  } as Partial<TaskContextSlots>);
  try {
    return yield new CallRequest(fn, []);
  } finally {
    task.ctx = contextOf(task).with({ [slot]: saved } as Partial<TaskContextSlots>);
  }
}

function callable(v: Value | undefined, fn: string): Value {
  if (v instanceof Closure || v instanceof BuiltinRef) return v;
  throw typeError(`${fn}: second argument must be a function`);
}

function withExecutionPolicy(args: Value[], ctx: BuiltinContext): NativeCall {
  const requested = CapabilityPolicy.fromValue(args[0] ?? null);
  const current = top(contextOf(ctx.task).slots.executionPolicies) as CapabilityPolicy | undefined;
  let effective = requested;
  if (current !== undefined) {
    try {
      effective = current.intersect(requested);
    } catch (e) {
      if (e instanceof PolicyError) throw runtimeError(e.message);
      throw e;
    }
  }
  return new NativeCall(
    scoped(ctx.task, "executionPolicies", effective, callable(args[1], "with_execution_policy")),
  );
}

export function registerScopedBuiltins(vm: Vm): void {
  vm.registerBuiltin("with_execution_policy", withExecutionPolicy);
  vm.registerBuiltin("current_policy", (_args, ctx) => {
    const p = top(contextOf(ctx.task).slots.executionPolicies) as CapabilityPolicy | undefined;
    return p === undefined ? null : p.toValue();
  });
  const simple: [string, StackSlot][] = [
    ["with_approval_policy", "approvalPolicies"],
    ["with_command_policy", "commandPolicies"],
    ["with_dynamic_permissions", "dynamicPermissions"],
  ];
  for (const [name, slot] of simple) {
    vm.registerBuiltin(
      name,
      (args, ctx) => new NativeCall(scoped(ctx.task, slot, args[0] ?? null, callable(args[1], name))),
    );
  }
  vm.registerBuiltin("with_autonomy_policy", (args, ctx) => {
    const task = ctx.task;
    const fn = callable(args[1], "with_autonomy_policy");
    return new NativeCall(
      (function* (): Generator<CallRequest, Value, Value> {
        const saved = contextOf(task).slots.autonomyPolicy;
        task.ctx = contextOf(task).with({ autonomyPolicy: args[0] ?? null });
        try {
          return yield new CallRequest(fn, []);
        } finally {
          task.ctx = contextOf(task).with({ autonomyPolicy: saved });
        }
      })(),
    );
  });
  vm.registerBuiltin(
    "current_approval_policy",
    (_args, ctx) => (top(contextOf(ctx.task).slots.approvalPolicies) as Value) ?? null,
  );
  vm.registerBuiltin(
    "current_autonomy_policy",
    (_args, ctx) => (contextOf(ctx.task).slots.autonomyPolicy as Value) ?? null,
  );
}
