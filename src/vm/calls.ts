// Frame and fiber transitions for the interpreter: entering closures,
// calling builtins (plain values, Promises that park the task, native
// callbacks that re-enter Harn), tail calls, returns and generator steps
// (errors and unwinding: unwind.ts). Each helper leaves the fiber consistent and tells the
// loop whether to continue, park, or stop.

import { getProperty } from "./access.ts";
import { display } from "./display.ts";
import { ErrorKind, runtimeError, typeError, VmError } from "./errors.ts";
import { LOOP_DONE, type NativeLoop } from "./iterators.ts";
import { link } from "./link.ts";
import { finishedGenerator } from "./unwind.ts";
import type { RuntimeApi } from "./runtime-api.ts";
import { Fiber, Frame, ResumeKind, type Task } from "./task.ts";
import {
  type BuiltinResult,
  BuiltinRef,
  CallRequest,
  Closure,
  Dict,
  GeneratorValue,
  type ModuleRef,
  NativeCall,
  StructValue,
  TypeValue,
  type Value,
} from "./values.ts";

export enum Action {
  Continue,
  Park,
  Done,
}

const NO_CODE = new Int32Array(0);
const NO_CONSTS: Value[] = [];

export function makeClosure(frame: Frame, stack: Value[], protoIndex: number): Closure {
  const proto = frame.proto!.protos[protoIndex]!;
  const caps = proto.captures;
  const captured = new Array<Value>(caps.length);
  for (let i = 0; i < caps.length; i++) captured[i] = stack[frame.base + caps[i]!.from]!;
  return new Closure(proto, captured, frame.module as ModuleRef);
}

/** Pushes a frame for `closure`, whose `argc` arguments are at stack[argBase..]. */
export function enterClosure(
  rt: RuntimeApi,
  fiber: Fiber,
  closure: Closure,
  argBase: number,
  argc: number,
  retSp: number,
): void {
  if (fiber.frames.length >= rt.maxFrames) throw new VmError(ErrorKind.StackOverflow, "");
  const proto = closure.proto;
  const stack = fiber.stack;
  const nParams = proto.nParams;
  const given = Math.min(argc, nParams);
  let sp = argBase + given;
  if (proto.hasRest) {
    const rest = argc > nParams ? stack.slice(argBase + nParams, argBase + argc) : [];
    while (sp < argBase + nParams) stack[sp++] = null;
    stack[sp++] = rest;
  } else {
    while (sp < argBase + nParams) stack[sp++] = null;
  }
  const top = argBase + proto.nLocals;
  while (sp < top) stack[sp++] = null;
  const caps = proto.captures;
  for (let i = 0; i < caps.length; i++) stack[argBase + caps[i]!.slot] = closure.captured[i]!;
  const linked = link(proto);
  const frame = fiber.framePool.pop();
  if (frame === undefined) {
    fiber.frames.push(
      new Frame(proto, proto.code, linked.k, argBase, closure, closure.module, argc, retSp, null),
    );
  } else {
    frame.proto = proto;
    frame.code = proto.code;
    frame.k = linked.k;
    frame.base = argBase;
    frame.closure = closure;
    frame.module = closure.module;
    frame.argc = argc;
    frame.retSp = retSp;
    frame.ip = 0;
    frame.handlers = null;
    fiber.frames.push(frame);
  }
  fiber.sp = sp;
}

function createGenerator(
  rt: RuntimeApi,
  closure: Closure,
  stack: Value[],
  argBase: number,
  argc: number,
): Value {
  const fiber = new Fiber();
  for (let i = 0; i < argc; i++) fiber.stack[i] = stack[argBase + i]!;
  enterClosure(rt, fiber, closure, 0, argc, 0);
  const gen = new GeneratorValue(fiber, closure.proto.isStream);
  fiber.generator = gen;
  return gen;
}

/** Calls `callee` with the `argc` values at stack[argBase..]; the result replaces stack[retSp..]. */
export function callValueAt(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  callee: Value,
  argBase: number,
  argc: number,
  retSp: number,
  raw = false,
): Action {
  if (callee instanceof Closure) {
    const interceptor = rt.callInterceptor;
    if (!raw && interceptor !== null && interceptor.tracks(callee)) {
      const args = fiber.stack.slice(argBase, argBase + argc);
      fiber.sp = retSp;
      return deliver(rt, task, fiber, interceptor.intercept(task, callee, args));
    }
    if (callee.proto.isGenerator) {
      const gen = createGenerator(rt, callee, fiber.stack, argBase, argc);
      fiber.sp = retSp;
      fiber.stack[fiber.sp++] = gen;
      return Action.Continue;
    }
    enterClosure(rt, fiber, callee, argBase, argc, retSp);
    return Action.Continue;
  }
  if (callee instanceof BuiltinRef) {
    const args = fiber.stack.slice(argBase, argBase + argc);
    fiber.sp = retSp;
    return deliver(rt, task, fiber, callee.fn(args, rt.contextFor(task)));
  }
  if (callee instanceof TypeValue) {
    const args = fiber.stack.slice(argBase, argBase + argc);
    fiber.sp = retSp;
    return deliver(rt, task, fiber, rt.callType(callee, args));
  }
  throw typeError(`Cannot call ${display(callee)}`);
}

/** A call that may run compiled code on the JS stack (jit/tier.ts installs it; null keeps every call on heap frames). */
export type DirectCall = (
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  callee: Closure,
  at: number,
  argc: number,
  retSp: number,
) => Action;

/** Installed by the compiling tier, which depends on this module and so cannot be imported here. */
export const callHooks: { direct: DirectCall | null } = { direct: null };

/** Hands a builtin's result to the fiber: a value, a Promise to park on, or a callback request. */
export function deliver(rt: RuntimeApi, task: Task, fiber: Fiber, r: BuiltinResult): Action {
  if (r instanceof Promise) {
    task.continuation = { kind: "push" };
    task.waitingOn = r;
    return Action.Park;
  }
  if (r instanceof NativeCall) {
    const caller = fiber.frames[fiber.frames.length - 1]!;
    const nf = new Frame(null, NO_CODE, NO_CONSTS, fiber.sp, null, caller.module, 0, fiber.sp, r.gen);
    nf.catchesErrors = r.catchesErrors;
    fiber.frames.push(nf);
    return driveNative(rt, task, fiber, nf, null, undefined);
  }
  if (r instanceof CallRequest) {
    const at = fiber.sp;
    for (const a of r.args) fiber.stack[fiber.sp++] = a;
    return callValueAt(rt, task, fiber, r.callee, at, r.args.length, at, r.raw);
  }
  return deliverValue(rt, task, fiber, r);
}

/** A finished call's value goes to the native frame waiting for it, or onto the stack. */
export function deliverValue(rt: RuntimeApi, task: Task, fiber: Fiber, v: Value): Action {
  const top = fiber.frames[fiber.frames.length - 1];
  if (top !== undefined && top.native !== null) {
    if (top.stashing) {
      top.stashed = v;
      return Action.Continue;
    }
    return driveNative(rt, task, fiber, top, v, undefined);
  }
  fiber.stack[fiber.sp++] = v;
  return Action.Continue;
}

function popNative(fiber: Fiber, nf: Frame): void {
  fiber.frames.pop();
  fiber.sp = nf.retSp;
}

/**
 * Advances a native builtin's generator with `input` (or throws `error`
 * into it) until it finishes or asks for a Harn call it cannot make
 * synchronously.
 */
export function driveNative(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  nf: Frame,
  input: Value,
  error: unknown,
): Action {
  const gen = nf.native!;
  for (;;) {
    let res: IteratorResult<CallRequest, Value>;
    try {
      res = error !== undefined ? gen.throw(error) : gen.next(input);
    } catch (e) {
      popNative(fiber, nf);
      throw e;
    }
    error = undefined;
    if (res.done) {
      popNative(fiber, nf);
      if (nf.loopExit >= 0) {
        if (res.value === undefined) {
          fiber.frames[fiber.frames.length - 1]!.ip = nf.loopExit;
          return Action.Continue;
        }
        fiber.stack[fiber.sp++] = res.value;
        return Action.Continue;
      }
      return deliverValue(rt, task, fiber, res.value);
    }
    const req = res.value;
    const callee = req.callee;
    if (callee instanceof GeneratorValue) return enterGeneratorStep(rt, task, callee, false, 0);
    if (callee instanceof Closure) {
      const at = fiber.sp;
      for (const a of req.args) fiber.stack[fiber.sp++] = a;
      const direct = callHooks.direct;
      if (direct === null || req.raw)
        return callValueAt(rt, task, fiber, callee, at, req.args.length, at, req.raw);
      // Run the callback right here when it can finish synchronously: its
      // result comes back through the stash and the loop resumes the builtin,
      // instead of each callback costing a trip through the interpreter.
      nf.stashing = true;
      let r: Action;
      try {
        r = direct(rt, task, fiber, callee, at, req.args.length, at);
      } finally {
        nf.stashing = false;
      }
      if (nf.stashed === undefined) return r;
      input = nf.stashed;
      nf.stashed = undefined;
      continue;
    }
    let r: BuiltinResult;
    try {
      if (callee instanceof BuiltinRef) r = callee.fn(req.args, rt.contextFor(task));
      else if (callee instanceof TypeValue) r = rt.callType(callee, req.args);
      else throw typeError(`Cannot call ${display(callee)}`);
    } catch (e) {
      error = e;
      continue;
    }
    if (r instanceof Promise) {
      task.continuation = { kind: "native", frame: nf };
      task.waitingOn = r;
      return Action.Park;
    }
    if (r instanceof NativeCall || r instanceof CallRequest) return deliver(rt, task, fiber, r);
    input = r;
  }
}

/** One step of a `for` loop over a lazy iterator whose stages may call Harn code. */
export function stepNativeLoop(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  loop: NativeLoop,
  exit: number,
): Action {
  const caller = fiber.frames[fiber.frames.length - 1]!;
  const nf = new Frame(
    null,
    NO_CODE,
    NO_CONSTS,
    fiber.sp,
    null,
    caller.module,
    0,
    fiber.sp,
    loop.step() as Generator<CallRequest, Value, Value>,
  );
  nf.loopExit = exit;
  fiber.frames.push(nf);
  return driveNative(rt, task, fiber, nf, null, undefined);
}

/** Method call with the receiver at stack[at - 1] and `argc` arguments after it. */
export function callMethodAt(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  name: string,
  at: number,
  argc: number,
): Action {
  const stack = fiber.stack;
  const recv = stack[at - 1]!;
  if (typeof recv !== "object" || recv === null || Array.isArray(recv)) {
    // Strings, numbers and lists only have builtin methods.
    const args = stack.slice(at, at + argc);
    fiber.sp = at - 1;
    return deliver(rt, task, fiber, rt.callMethod(recv, name, args, rt.contextFor(task)));
  }
  if (recv instanceof GeneratorValue && name === "next") {
    fiber.sp = at - 1;
    return enterGeneratorStep(rt, task, recv, false, 0);
  }
  if (recv instanceof StructValue) {
    const method = recv.type.methods.get(name);
    if (method !== undefined) return callValueAt(rt, task, fiber, method, at - 1, argc + 1, at - 1);
  }
  if (recv instanceof TypeValue) {
    const member = getProperty(recv, name, true);
    if (member !== null) return callValueAt(rt, task, fiber, member, at, argc, at - 1);
  }
  const args = stack.slice(at, at + argc);
  fiber.sp = at - 1;
  return deliver(rt, task, fiber, rt.callMethod(recv, name, args, rt.contextFor(task)));
}

/** `return f(x)`: reuses the current frame when `f` is a Harn function. */
export function tailCall(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  callee: Value,
  argc: number,
  byName: boolean,
): Action {
  const src = fiber.sp - argc;
  const intercepted =
    rt.callInterceptor !== null && callee instanceof Closure && rt.callInterceptor.tracks(callee);
  if (callee instanceof Closure && !callee.proto.isGenerator && !intercepted) {
    const frame = fiber.frames.pop()!;
    const stack = fiber.stack;
    for (let i = 0; i < argc; i++) stack[frame.base + i] = stack[src + i]!;
    const { base, retSp } = frame;
    // The replaced frame is dead (enterClosure below cannot throw once it is popped): reuse it.
    fiber.framePool.push(frame);
    enterClosure(rt, fiber, callee, base, argc, retSp);
    return Action.Continue;
  }
  return callValueAt(rt, task, fiber, callee, src, argc, byName ? src : src - 1);
}

/** Return (or yield, from a generator) the value `v` from the top frame. */
export function finishFrameReturn(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  v: Value,
  isYield = false,
): Action {
  if (isYield) {
    fiber.sp--;
    return leaveGenerator(rt, task, fiber, v, false);
  }
  const frame = fiber.frames.pop()!;
  fiber.sp = frame.retSp;
  if (fiber.frames.length === 0) {
    if (fiber === task.mainFiber) {
      task.result = v;
      return Action.Done;
    }
    return leaveGenerator(rt, task, fiber, null, true);
  }
  return deliverValue(rt, task, fiber, v);
}

/** Switches from a generator fiber back to the fiber that resumed it. */
function leaveGenerator(rt: RuntimeApi, task: Task, fiber: Fiber, v: Value, done: boolean): Action {
  const parent = fiber.parent!;
  fiber.parent = null;
  task.fiber = parent;
  if (done) finishedGenerator(fiber);
  if (fiber.resumeKind === ResumeKind.NextDict) {
    // Goes to a native frame when a builtin (iter over a generator) asked for the step.
    return deliverValue(rt, task, parent, Dict.of({ value: done ? null : v, done }));
  }
  if (done) {
    parent.frames[parent.frames.length - 1]!.ip = fiber.resumeTarget;
  } else {
    parent.stack[parent.sp++] = v;
  }
  return Action.Continue;
}

/** Resumes `gen` for one step (the caller saved its own frame state). */
export function enterGeneratorStep(
  rt: RuntimeApi,
  task: Task,
  gen: GeneratorValue,
  iterate: boolean,
  target: number,
): Action {
  const g = gen.fiber as Fiber;
  const current = task.fiber;
  if (gen.done || g.done) {
    if (!iterate) return deliverValue(rt, task, current, Dict.of({ value: null, done: true }));
    current.frames[current.frames.length - 1]!.ip = target;
    return Action.Continue;
  }
  if (g.parent !== null) throw runtimeError("generator is already running");
  g.parent = current;
  g.resumeKind = iterate ? ResumeKind.Iterate : ResumeKind.NextDict;
  g.resumeTarget = target;
  if (g.started) g.stack[g.sp++] = null;
  else g.started = true;
  task.fiber = g;
  return Action.Continue;
}

/** Delivers a settled Promise to a parked task (called inside the loop's try). */
export function resumeDelivery(rt: RuntimeApi, task: Task): Action {
  const c = task.continuation!;
  task.continuation = null;
  const fiber = task.fiber;
  if (task.hasResumeError) {
    task.hasResumeError = false;
    const e = task.resumeError;
    task.resumeError = undefined;
    if (c.kind === "native") return driveNative(rt, task, fiber, c.frame, null, e);
    throw e;
  }
  const v = task.resumeValue;
  task.resumeValue = null;
  if (c.kind === "native") return driveNative(rt, task, fiber, c.frame, v, undefined);
  if (c.kind === "push") return deliverValue(rt, task, fiber, v);
  if (c.kind === "iterate") {
    if ((v as unknown) === LOOP_DONE) fiber.frames[fiber.frames.length - 1]!.ip = c.target;
    else fiber.stack[fiber.sp++] = v;
  }
  return Action.Continue;
}
