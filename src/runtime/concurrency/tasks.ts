// Task primitives: `spawn { }` / await / cancel / cancel_graceful /
// is_cancelled, the `parallel` forms with `max_concurrent`, parallel_race
// and `sleep`. Children are inline subtasks (DESIGN §4): they get a copy of
// the parent's ambient context and buffer their own output until joined,
// so output order is deterministic (index order for `parallel`).

import { display, typeName } from "../../vm/display.ts";
import { typeError, type VmError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import {
  type BuiltinContext,
  Closure,
  Dict,
  Duration,
  err,
  HandleValue,
  HFloat,
  ok,
  RangeValue,
  type Value,
} from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { joinTask, runCapped, startChild } from "./children.ts";
import { parallelRace, parallelStream, streamNext, type TaskStream } from "./streams.ts";

/** Milliseconds from a duration or number argument. */
export function millis(v: Value | undefined, what: string): number {
  if (v instanceof Duration) return v.ms;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof HFloat) return v.v;
  throw typeError(`${what}: expected a duration or milliseconds, got ${typeName(v ?? null)}`);
}

export function taskHandle(task: Task): HandleValue {
  return new HandleValue("task_handle", () => `<task:${task.identity.id}>`, task);
}

function handleTask(v: Value | undefined, fn: string): Task | null {
  if (v instanceof HandleValue && v.kind === "task_handle") return v.payload as Task;
  if (v === null || v === undefined) return null;
  throw typeError(`${fn}: expected a task handle, got ${typeName(v)}`);
}

function sleep(ms: number): Promise<Value> {
  if (ms <= 0) return new Promise((resolve) => queueMicrotask(() => resolve(null)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<Value>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return cancellable(wait, () => clearTimeout(timer));
}

function parallelItems(mode: string, expr: Value): Value[] {
  if (mode === "count") {
    const n = typeof expr === "number" ? expr : typeof expr === "bigint" ? Number(expr) : Number.NaN;
    if (!Number.isFinite(n)) throw typeError(`parallel count must be an int, got ${typeName(expr)}`);
    return Array.from({ length: Math.max(0, n) }, (_, i) => i);
  }
  if (Array.isArray(expr)) return expr;
  if (expr instanceof RangeValue) return Array.from({ length: expr.length }, (_, i) => expr.start + i);
  throw typeError(`parallel ${mode}: expected a list, got ${typeName(expr)}`);
}

function cap(max: Value): number {
  if (max === null) return Number.POSITIVE_INFINITY;
  if (typeof max !== "number")
    throw typeError(`parallel max_concurrent must be an int; got ${typeName(max)}`);
  return max <= 0 ? Number.POSITIVE_INFINITY : max;
}

/** Task names and group-id kinds per parallel mode. */
const MODES: Record<string, [name: string, group: string]> = {
  count: ["parallel", "parallel"],
  each: ["parallel each", "parallel_each"],
  settle: ["parallel settle", "parallel_settle"],
  each_stream: ["parallel each", "parallel_each_stream"],
};

async function parallel(vm: Vm, ctx: BuiltinContext, args: Value[]): Promise<Value> {
  const mode = args[0] as string;
  const closure = args[2];
  if (!(closure instanceof Closure)) throw typeError("parallel body must be a closure");
  const items = parallelItems(mode, args[1] ?? null);
  const parent = ctx.task;
  if (mode === "each_stream") return parallelStream(vm, parent, closure, items, cap(args[3] ?? null));
  const [name, group] = MODES[mode] ?? ["parallel", "parallel"];
  const children = await runCapped(vm, parent, closure, items, cap(args[3] ?? null), name, group);
  for (const child of children) vm.adoptOutput(child, parent);
  if (mode === "settle") {
    const results = children.map((c) => (c.error ? err(c.error.display(display)) : ok(c.result)));
    const failed = children.filter((c) => c.error).length;
    return Dict.of({ results, succeeded: children.length - failed, failed });
  }
  const failure = children.find((c) => c.error);
  if (failure) throw failure.error as VmError;
  return children.map((c) => c.result);
}

export function registerTaskBuiltins(vm: Vm): void {
  vm.registerBuiltin("__spawn", (args, ctx) => {
    const closure = args[0];
    if (!(closure instanceof Closure)) throw typeError("spawn body must be a closure");
    const parent = ctx.task;
    const n = ++parent.spawnCounter;
    return taskHandle(startChild(vm, parent, closure, [], "spawn", `${parent.identity.id}:spawn:${n}`, null));
  });

  vm.registerBuiltin("__parallel", (args, ctx) => parallel(vm, ctx, args));

  vm.registerBuiltin("await", (args, ctx) => {
    const child = handleTask(args[0], "await");
    if (child === null) return args[0] ?? null;
    return joinTask(vm, child, ctx.task);
  });

  vm.registerBuiltin("cancel", (args) => {
    const child = handleTask(args[0], "cancel");
    if (child !== null) vm.cancelTask(child);
    return null;
  });

  vm.registerBuiltin("cancel_graceful", async (args, ctx) => {
    const child = handleTask(args[0], "cancel_graceful");
    if (child === null) return null;
    child.cancelRequested = true;
    const timeout = args.length > 1 ? millis(args[1], "cancel_graceful") : 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeout);
    });
    const outcome = await Promise.race([
      joinTask(vm, child, ctx.task).then(ok, (e: VmError) => err(e.display(display))),
      timedOut,
    ]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      vm.cancelTask(child);
      return err("cancel_graceful: timeout, task forcefully aborted");
    }
    return outcome;
  });

  vm.registerBuiltin("is_cancelled", (_args, ctx) => ctx.task.cancelRequested || ctx.task.cancelled);

  vm.registerBuiltin("sleep", (args) => sleep(millis(args[0] ?? 0, "sleep")));

  vm.registerBuiltin("parallel_race", (args, ctx) => {
    const fn = args[1];
    if (!(fn instanceof Closure)) throw typeError("parallel_race: second argument must be a function");
    return parallelRace(vm, ctx.task, fn, parallelItems("each", args[0] ?? null));
  });

  vm.registerMethod("stream", "next", (stream) =>
    streamNext(vm, (stream as HandleValue).payload as TaskStream),
  );
}
