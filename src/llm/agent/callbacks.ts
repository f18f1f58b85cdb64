// Calling Harn code from the agent runtime. The loop itself is a Promise
// the calling task parks on; tool handlers, permission predicates,
// escalation and compaction callbacks, post-turn hooks and worker bodies
// each run as a child task of the VM's scheduler, so they may suspend
// (call llm_call, sleep, spawn) like any other Harn code, and a throw
// comes back here as a rejected Promise instead of unwinding the caller.
// This is the "inline subtask" of DESIGN §4: the child gets exactly the
// context the loop hands it (the caller's, plus the loop's session,
// policies and tool registry).

import type { TaskContext } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { thrown, typeError, VmError } from "../../vm/errors.ts";
import { type Task, TaskState } from "../../vm/task.ts";
import { BuiltinRef, CallRequest, Closure, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

/** Where callbacks run: the VM, the task that owns them, and the context to give them. */
export interface CallbackHost {
  readonly vm: Vm;
  /** The task whose output and cancellation the callbacks share; null for detached workers. */
  readonly owner: Task | null;
  readonly ctx: TaskContext;
}

/** Per-VM sequence for callback task ids (deterministic within a run). */
const callbackCounters = new WeakMap<Vm, number>();

function nextCallbackId(vm: Vm): number {
  const n = (callbackCounters.get(vm) ?? 0) + 1;
  callbackCounters.set(vm, n);
  return n;
}

export function isCallable(v: Value | undefined): v is Closure | BuiltinRef {
  return v instanceof Closure || v instanceof BuiltinRef;
}

/** Runs `fn(...args)` as a child task under `host.ctx`; resolves to its result, rejects with its error. */
export function callHarn(
  host: CallbackHost,
  fn: Value,
  args: Value[],
  ctx: TaskContext = host.ctx,
): Promise<Value> {
  if (fn instanceof BuiltinRef) return callBuiltin(host, fn, args);
  if (!(fn instanceof Closure)) return Promise.reject(typeError(`Cannot call ${display(fn)}`));
  const { vm, owner } = host;
  const child = vm.createTask(fn, args, ctx, "agent callback", owner);
  const base = owner?.identity ?? child.identity;
  child.identity = {
    id: `${base.id}:agent:${nextCallbackId(vm)}`,
    name: "agent callback",
    parentId: owner?.identity.id ?? null,
    rootId: base.rootId,
    groupId: null,
  };
  child.output = owner === null ? null : [];
  vm.scheduler.enqueue(child);
  return new Promise((resolve, reject) => {
    const done = (t: Task): void => {
      if (owner !== null) vm.adoptOutput(t, owner);
      if (t.error) reject(t.error);
      else resolve(t.result);
    };
    if (child.state === TaskState.Done) done(child);
    else child.onDone.push(done);
  });
}

/** Builtins passed as callbacks are called directly; those that need the interpreter are refused. */
async function callBuiltin(host: CallbackHost, fn: BuiltinRef, args: Value[]): Promise<Value> {
  if (host.owner === null) throw thrown(`${fn.name} cannot be used as an agent callback here`);
  const r = fn.fn(args, host.vm.contextFor(host.owner));
  if (r instanceof NativeCall || r instanceof CallRequest) {
    throw thrown(`${fn.name} cannot be used as an agent callback; wrap it in a closure`);
  }
  return await r;
}

/** The display form of a failed callback's error (`Thrown: boom`, `Error [cat]: msg`, ...). */
export function errorText(e: unknown): string {
  if (e instanceof VmError) return e.display(display);
  return e instanceof Error ? e.message : String(e);
}
