// `runtime_context()` / `task_current()` and task-local values. Identity
// fields come from the task; values live in the task's ambient context
// (TaskContext.runtimeValues), copied to children when they are created,
// so a child's writes never reach its parent or siblings.

import { typeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { contextOf, top } from "../task-context.ts";
import { supervisorDebugValues } from "./supervisor.ts";

const NIL_FIELDS = [
  "scope_id",
  "workflow_id",
  "run_id",
  "stage_id",
  "worker_id",
  "parent_agent_session_id",
  "root_agent_session_id",
  "agent_name",
  "trigger_id",
  "trigger_event_id",
  "binding_key",
  "tenant_id",
  "provider",
  "trace_id",
  "span_id",
  "scheduler_key",
  "runner",
  "capacity_class",
];

function values(task: Task): ReadonlyMap<string, unknown> {
  return contextOf(task).slots.runtimeValues;
}

function setValues(task: Task, next: ReadonlyMap<string, unknown>): void {
  task.ctx = contextOf(task).with({ runtimeValues: next });
}

function key(args: Value[], fn: string): string {
  const k = args[0];
  if (typeof k !== "string") throw typeError(`${fn}: first argument must be a string key`);
  return k;
}

function valuesDict(task: Task): Dict {
  return new Dict(new Map(values(task) as Map<string, Value>));
}

export function runtimeContextValue(vm: Vm, task: Task): Dict {
  const id = task.identity;
  const cancelled = task.cancelled || task.cancelRequested;
  const fields: Record<string, Value> = {
    task_id: id.id,
    parent_task_id: id.parentId,
    root_task_id: id.rootId,
    task_name: id.name,
    task_group_id: id.groupId,
    agent_session_id: (top(contextOf(task).slots.agentSessions) as string | undefined) ?? null,
    context_values: valuesDict(task),
    cancelled,
    debug: Dict.of({
      cancelled,
      waiting_reason: null,
      active_task_ids: [...vm.liveTasks].map((t) => t.identity.id).sort(),
      held_synchronization: [],
      supervisors: supervisorDebugValues(vm),
    }),
  };
  for (const f of NIL_FIELDS) fields[f] = null;
  return Dict.of(fields);
}

export function registerRuntimeContextBuiltins(vm: Vm): void {
  vm.registerBuiltin("runtime_context", (_args, ctx) => runtimeContextValue(vm, ctx.task));
  vm.registerBuiltin("task_current", (_args, ctx) => runtimeContextValue(vm, ctx.task));
  vm.registerBuiltin("runtime_context_values", (_args, ctx) => valuesDict(ctx.task));
  vm.registerBuiltin("runtime_context_get", (args, ctx) => {
    const v = values(ctx.task).get(key(args, "runtime_context_get")) as Value | undefined;
    return v === undefined ? (args[1] ?? null) : v;
  });
  vm.registerBuiltin("runtime_context_set", (args, ctx) => {
    const k = key(args, "runtime_context_set");
    const next = new Map(values(ctx.task));
    const old = next.get(k) as Value | undefined;
    next.set(k, args[1] ?? null);
    setValues(ctx.task, next);
    return old === undefined ? null : old;
  });
  vm.registerBuiltin("runtime_context_clear", (args, ctx) => {
    const k = key(args, "runtime_context_clear");
    const next = new Map(values(ctx.task));
    const old = next.get(k) as Value | undefined;
    next.delete(k);
    setValues(ctx.task, next);
    return old === undefined ? null : old;
  });
}
