// The interpreter loop. It runs one task synchronously until the task
// finishes, parks on a Promise returned by a builtin, or uses up its
// instruction budget. Hot state (code, ip, sp, base) lives in locals; any
// instruction that changes frames or fibers saves it, calls a helper from
// `calls.ts`, and `continue outer` reloads it. Errors thrown anywhere in the
// loop land in one catch, which unwinds to the nearest handler.

import { Op } from "../bytecode/opcodes.ts";
import { getIndex, getProperty, setIndex, setProperty, slice } from "./access.ts";
import {
  Action,
  callMethodAt,
  callValueAt,
  enterGeneratorStep,
  finishFrameReturn,
  makeClosure,
  resumeDelivery,
  stepNativeLoop,
  tailCall,
} from "./calls.ts";
import { valuesEqual, compareValues } from "./compare.ts";
import { checkpoint, raiseAt, unwind } from "./unwind.ts";
import { display, typeName, truthy } from "./display.ts";
import { ErrorKind, runtimeError, thrown, typeError, VmError } from "./errors.ts";
import { GeneratorLoop, type LoopSource, loopSource, NativeLoop } from "./iterators.ts";
import { type LinkedProto, sitesFor } from "./link.ts";
import { JitExit } from "./jit/gen.ts";
import { destructureError } from "./jit/helpers.ts";
import { compiledFor } from "./jit/tier.ts";
import { intAdd, intDiv, intSub } from "./numbers.ts";
import { add, contains, div, mod, mul, neg, pow, sub } from "./operators.ts";
import { checkParam } from "./param-check.ts";
import type { RuntimeApi } from "./runtime-api.ts";
import type { Task } from "./task.ts";
import { Cell, Dict, err, isResult, ok, RangeValue, type Value } from "./values.ts";

export enum Exit {
  Done,
  Parked,
  Yielded,
}

const BUDGET = 10_000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Runs `task` until it finishes, parks or yields its time slice. */
export function execute(rt: RuntimeApi, task: Task): Exit {
  let budget = BUDGET;
  // Set when compiled code hands a frame back mid-function: interpret it once before re-entering.
  let interpretTop = false;
  outer: for (;;) {
    const fiber = task.fiber;
    const stack = fiber.stack;
    const frame = fiber.frames[fiber.frames.length - 1]!;
    const proto = frame.proto;
    if (interpretTop) interpretTop = false;
    else if (proto !== null && task.interrupt === null && task.continuation === null) {
      const jit = compiledFor(rt, proto, proto.runtime as LinkedProto);
      if (jit !== null) {
        let r: JitExit;
        try {
          task.jitDepth = 0;
          r = jit(rt, task, fiber, frame);
          if (r === JitExit.Budget) {
            task.jitBudget = BUDGET;
            if (checkpoint(rt, task)) return Exit.Yielded;
            continue;
          }
        } catch (e) {
          // The top frame, not `frame`: the error may come from a callee compiled code called directly.
          const error = raiseAt(rt, task.fiber.frames[task.fiber.frames.length - 1] ?? frame, e);
          if (!unwind(task, error)) return Exit.Done;
          continue;
        }
        if (r === JitExit.Continue) continue;
        if (r !== JitExit.Step) return r === JitExit.Park ? Exit.Parked : Exit.Done;
        if (task.fiber.frames[task.fiber.frames.length - 1] !== frame) {
          interpretTop = true;
          continue;
        }
      }
    }
    const code = frame.code;
    const k = frame.k;
    const base = frame.base;
    let ip = frame.ip;
    let sp = fiber.sp;
    try {
      if (task.interrupt !== null) {
        const e = task.interrupt;
        task.interrupt = null;
        throw e;
      }
      if (task.continuation !== null) {
        const a = resumeDelivery(rt, task);
        if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
        continue;
      }
      for (;;) {
        switch (code[ip++]) {
          case Op.Nop:
            break;
          case Op.Const:
            stack[sp++] = k[code[ip++]!]!;
            break;
          case Op.Nil:
            stack[sp++] = null;
            break;
          case Op.True:
            stack[sp++] = true;
            break;
          case Op.False:
            stack[sp++] = false;
            break;
          case Op.Int:
            stack[sp++] = code[ip++]!;
            break;
          case Op.Pop:
            sp--;
            break;
          case Op.Dup:
            stack[sp] = stack[sp - 1]!;
            sp++;
            break;
          case Op.Swap: {
            const t = stack[sp - 1]!;
            stack[sp - 1] = stack[sp - 2]!;
            stack[sp - 2] = t;
            break;
          }
          case Op.GetLocal:
            stack[sp++] = stack[base + code[ip++]!]!;
            break;
          case Op.SetLocal:
            stack[base + code[ip++]!] = stack[--sp]!;
            break;
          case Op.GetCell: {
            const cell = stack[base + code[ip++]!] as unknown as Cell;
            if (cell.v === undefined) throw new VmError(ErrorKind.UndefinedVariable, cell.name);
            stack[sp++] = cell.v;
            break;
          }
          case Op.SetCell:
            (stack[base + code[ip++]!] as unknown as Cell).v = stack[--sp]!;
            break;
          case Op.NewCell: {
            const slot = code[ip++]!;
            const name = frame.proto!.localNames[slot] ?? "";
            stack[base + slot] = new Cell(undefined, name) as unknown as Value;
            break;
          }
          case Op.GetGlobal: {
            const g = code[ip++]!;
            const v = frame.module.globals[g];
            if (v === undefined)
              throw new VmError(ErrorKind.UndefinedVariable, rt.globalName(frame.module, g));
            stack[sp++] = v;
            break;
          }
          case Op.SetGlobal:
            frame.module.globals[code[ip++]!] = stack[--sp]!;
            break;
          case Op.GetName: {
            const site = ip - 1;
            const name = k[code[ip++]!] as string;
            const sites = sitesFor(frame.proto!, rt);
            let v = sites[site];
            if (v === undefined) {
              v = rt.resolveName(frame.module, name, frame.proto!.localNames);
              sites[site] = v;
            }
            stack[sp++] = v;
            break;
          }
          case Op.SetName:
            rt.assignName(frame.module, k[code[ip++]!] as string, stack[--sp]!);
            break;
          case Op.Fail: {
            const message = k[code[ip++]!] as string;
            const kind = code[ip++]!;
            if (kind === 1) throw new VmError(ErrorKind.Immutable, message);
            if (kind === 2) throw thrown(message);
            throw runtimeError(message);
          }
          case Op.Closure:
            stack[sp++] = makeClosure(frame, stack, code[ip++]!);
            break;
          case Op.Call: {
            if (--budget <= 0) {
              frame.ip = ip - 1;
              fiber.sp = sp;
              if (checkpoint(rt, task)) return Exit.Yielded;
              budget = BUDGET;
            }
            const argc = code[ip++]!;
            frame.ip = ip;
            const at = sp - argc;
            fiber.sp = sp;
            const a = callValueAt(rt, task, fiber, stack[at - 1]!, at, argc, at - 1);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.CallName: {
            if (--budget <= 0) {
              frame.ip = ip - 1;
              fiber.sp = sp;
              if (checkpoint(rt, task)) return Exit.Yielded;
              budget = BUDGET;
            }
            const site = ip - 1;
            const name = k[code[ip++]!] as string;
            const argc = code[ip++]!;
            frame.ip = ip;
            fiber.sp = sp;
            const sites = sitesFor(frame.proto!, rt);
            let callee = sites[site];
            if (callee === undefined) {
              callee = rt.resolveCallee(frame.module, name);
              sites[site] = callee;
            }
            const at = sp - argc;
            const a = callValueAt(rt, task, fiber, callee, at, argc, at);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.TailCall:
          case Op.TailCallName: {
            const isName = code[ip - 1] === Op.TailCallName;
            let callee: Value;
            let argc: number;
            if (isName) {
              const site = ip - 1;
              const name = k[code[ip++]!] as string;
              argc = code[ip++]!;
              const sites = sitesFor(frame.proto!, rt);
              let c = sites[site];
              if (c === undefined) {
                c = rt.resolveCallee(frame.module, name);
                sites[site] = c;
              }
              callee = c;
            } else {
              argc = code[ip++]!;
              callee = stack[sp - argc - 1]!;
            }
            frame.ip = ip;
            fiber.sp = sp;
            const a = tailCall(rt, task, fiber, callee, argc, isName);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.CallMethod:
          case Op.CallMethodOpt: {
            const optional = code[ip - 1] === Op.CallMethodOpt;
            const name = k[code[ip++]!] as string;
            const argc = code[ip++]!;
            const at = sp - argc;
            if (optional && stack[at - 1] === null) {
              sp = at - 1;
              stack[sp++] = null;
              break;
            }
            frame.ip = ip;
            fiber.sp = sp;
            const a = callMethodAt(rt, task, fiber, name, at, argc);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.CallSpread:
          case Op.CallNameSpread:
          case Op.CallMethodSpread: {
            const op = code[ip - 1];
            const name = op === Op.CallSpread ? "" : (k[code[ip++]!] as string);
            const args = stack[--sp]!;
            if (!Array.isArray(args)) throw typeError("spread call requires list arguments");
            const at = sp;
            for (const a of args) stack[sp++] = a;
            frame.ip = ip;
            fiber.sp = sp;
            let a: Action;
            if (op === Op.CallSpread)
              a = callValueAt(rt, task, fiber, stack[at - 1]!, at, args.length, at - 1);
            else if (op === Op.CallMethodSpread) a = callMethodAt(rt, task, fiber, name, at, args.length);
            else a = callValueAt(rt, task, fiber, rt.resolveCallee(frame.module, name), at, args.length, at);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.Return: {
            const v = stack[sp - 1]!;
            fiber.sp = sp;
            const a = finishFrameReturn(rt, task, fiber, v);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.Jump: {
            const target = code[ip]!;
            if (target < ip) {
              if (--budget <= 0) {
                frame.ip = target;
                fiber.sp = sp;
                if (checkpoint(rt, task)) return Exit.Yielded;
                budget = BUDGET;
              }
              // A hot loop moves to compiled code at its head (on-stack replacement).
              const linked = proto!.runtime as LinkedProto;
              if (linked.jit !== null && ++linked.heat >= rt.jitThreshold) {
                frame.ip = target;
                fiber.sp = sp;
                continue outer;
              }
            }
            ip = target;
            break;
          }
          case Op.JumpIfFalse: {
            const c = stack[--sp]!;
            if (c === false || c === null || (c !== true && !truthy(c))) ip = code[ip]!;
            else ip++;
            break;
          }
          case Op.JumpIfTrue: {
            const c = stack[--sp]!;
            if (c === true || (c !== false && c !== null && truthy(c))) ip = code[ip]!;
            else ip++;
            break;
          }
          case Op.JumpIfFalseKeep:
            if (!truthy(stack[sp - 1]!)) ip = code[ip]!;
            else {
              sp--;
              ip++;
            }
            break;
          case Op.JumpIfTrueKeep:
            if (truthy(stack[sp - 1]!)) ip = code[ip]!;
            else {
              sp--;
              ip++;
            }
            break;
          case Op.JumpIfNotNilKeep:
            if (stack[sp - 1] !== null) ip = code[ip]!;
            else {
              sp--;
              ip++;
            }
            break;
          case Op.JumpIfNilKeep:
            if (stack[sp - 1] === null) ip = code[ip]!;
            else ip++;
            break;
          case Op.JumpIfArgGiven: {
            const index = code[ip++]!;
            if (frame.argc > index) ip = code[ip]!;
            else ip++;
            break;
          }
          case Op.Add: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            if (typeof a === "number" && typeof b === "number") {
              const r = a + b;
              stack[sp - 1] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intAdd(a, b);
            } else if (typeof a === "string" && typeof b === "string") {
              stack[sp - 1] = a + b;
            } else {
              stack[sp - 1] = add(a, b);
            }
            break;
          }
          case Op.Sub: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            if (typeof a === "number" && typeof b === "number") {
              const r = a - b;
              stack[sp - 1] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intSub(a, b);
            } else {
              stack[sp - 1] = sub(a, b);
            }
            break;
          }
          case Op.Mul: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            if (typeof a === "number" && typeof b === "number") {
              const r = a * b;
              stack[sp - 1] = r <= MAX_SAFE && r >= -MAX_SAFE ? r + 0 : mul(a, b);
            } else {
              stack[sp - 1] = mul(a, b);
            }
            break;
          }
          case Op.Div: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] =
              typeof a === "number" && typeof b === "number" && b !== 0 ? intDiv(a, b) : div(a, b);
            break;
          }
          case Op.Mod: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] =
              typeof a === "number" && typeof b === "number" && b > 0 && a >= 0 ? a % b : mod(a, b);
            break;
          }
          case Op.Pow: {
            const b = stack[--sp]!;
            stack[sp - 1] = pow(stack[sp - 1]!, b);
            break;
          }
          case Op.Neg:
            stack[sp - 1] = neg(stack[sp - 1]!);
            break;
          case Op.Not:
            stack[sp - 1] = !truthy(stack[sp - 1]!);
            break;
          case Op.Eq: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] =
              typeof a === "number" && typeof b === "number"
                ? a === b
                : typeof a === "string" && typeof b === "string"
                  ? a === b
                  : valuesEqual(a, b);
            break;
          }
          case Op.Neq: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] =
              typeof a === "number" && typeof b === "number"
                ? a !== b
                : typeof a === "string" && typeof b === "string"
                  ? a !== b
                  : !valuesEqual(a, b);
            break;
          }
          case Op.Lt: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === "number" && typeof b === "number" ? a < b : compareValues(a, b) < 0;
            break;
          }
          case Op.Gt: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] = typeof a === "number" && typeof b === "number" ? a > b : compareValues(a, b) > 0;
            break;
          }
          case Op.Le: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] =
              typeof a === "number" && typeof b === "number" ? a <= b : compareValues(a, b) <= 0;
            break;
          }
          case Op.Ge: {
            const b = stack[--sp]!;
            const a = stack[sp - 1]!;
            stack[sp - 1] =
              typeof a === "number" && typeof b === "number" ? a >= b : compareValues(a, b) >= 0;
            break;
          }
          case Op.In: {
            const coll = stack[--sp]!;
            stack[sp - 1] = contains(coll, stack[sp - 1]!);
            break;
          }
          case Op.NotIn: {
            const coll = stack[--sp]!;
            stack[sp - 1] = !contains(coll, stack[sp - 1]!);
            break;
          }
          case Op.MakeList: {
            const n = code[ip++]!;
            sp -= n;
            stack[sp] = stack.slice(sp, sp + n);
            sp++;
            break;
          }
          case Op.ListPush: {
            const v = stack[--sp]!;
            (stack[sp - 1] as Value[]).push(v);
            break;
          }
          case Op.ListExtend: {
            const src = stack[--sp]!;
            const list = stack[sp - 1] as Value[];
            if (!Array.isArray(src)) throw destructureError(src, "[...]");
            for (const x of src) list.push(x);
            break;
          }
          case Op.MakeDict: {
            const n = code[ip++]!;
            sp -= 2 * n;
            const m = new Map<string, Value>();
            for (let i = 0; i < n; i++) {
              const key = stack[sp + 2 * i]!;
              m.set(typeof key === "string" ? key : display(key), stack[sp + 2 * i + 1]!);
            }
            stack[sp++] = new Dict(m);
            break;
          }
          case Op.DictPut: {
            const v = stack[--sp]!;
            const key = stack[--sp]!;
            (stack[sp - 1] as Dict).map.set(typeof key === "string" ? key : display(key), v);
            break;
          }
          case Op.DictSpread: {
            const src = stack[--sp]!;
            const target = stack[sp - 1] as Dict;
            if (!(src instanceof Dict)) throw destructureError(src, "{...}");
            for (const [kk, vv] of src.map) target.map.set(kk, vv);
            break;
          }
          case Op.GetProp:
            stack[sp - 1] = getProperty(stack[sp - 1]!, k[code[ip++]!] as string, false);
            break;
          case Op.GetPropOpt:
            stack[sp - 1] = getProperty(stack[sp - 1]!, k[code[ip++]!] as string, true);
            break;
          case Op.SetProp: {
            const obj = stack[--sp]!;
            stack[sp - 1] = setProperty(obj, k[code[ip++]!] as string, stack[sp - 1]!);
            break;
          }
          case Op.GetIndex: {
            const i = stack[--sp]!;
            stack[sp - 1] = getIndex(stack[sp - 1]!, i, false);
            break;
          }
          case Op.GetIndexOpt: {
            const i = stack[--sp]!;
            stack[sp - 1] = getIndex(stack[sp - 1]!, i, true);
            break;
          }
          case Op.SetIndex: {
            const i = stack[--sp]!;
            const obj = stack[--sp]!;
            stack[sp - 1] = setIndex(obj, i, stack[sp - 1]!);
            break;
          }
          case Op.Slice: {
            const end = stack[--sp]!;
            const start = stack[--sp]!;
            stack[sp - 1] = slice(stack[sp - 1]!, start, end);
            break;
          }
          case Op.Interp: {
            const n = code[ip++]!;
            sp -= n;
            let s = "";
            for (let i = 0; i < n; i++) {
              const part = stack[sp + i]!;
              s += typeof part === "string" ? part : display(part);
            }
            stack[sp++] = s;
            break;
          }
          case Op.MakeRange: {
            const inclusive = code[ip++]! === 1;
            const end = stack[--sp]!;
            const start = stack[sp - 1]!;
            if (typeof start !== "number" || typeof end !== "number") {
              throw typeError(`range bounds must be integers, got ${typeName(start)} and ${typeName(end)}`);
            }
            stack[sp - 1] = new RangeValue(start, end, inclusive);
            break;
          }
          case Op.IterInit:
            stack[sp - 1] = loopSource(stack[sp - 1]!) as unknown as Value;
            break;
          case Op.IterNext: {
            const slot = code[ip++]!;
            const src = stack[base + slot] as unknown as LoopSource | GeneratorLoop;
            if (src instanceof NativeLoop) {
              const target = code[ip++]!;
              frame.ip = ip;
              fiber.sp = sp;
              const a = stepNativeLoop(rt, task, fiber, src, target);
              if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
              continue outer;
            }
            if (src instanceof GeneratorLoop) {
              const target = code[ip++]!;
              frame.ip = ip;
              fiber.sp = sp;
              enterGeneratorStep(rt, task, src.gen, true, target);
              continue outer;
            }
            const v = src.next();
            if (v === undefined) ip = code[ip]!;
            else if (v instanceof Promise) {
              const target = code[ip++]!;
              frame.ip = ip;
              fiber.sp = sp;
              task.continuation = { kind: "iterate", target };
              task.waitingOn = v as Promise<Value>;
              return Exit.Parked;
            } else {
              ip++;
              stack[sp++] = v;
            }
            break;
          }
          case Op.TryBegin: {
            const h = { target: code[ip++]!, sp };
            if (frame.handlers === null) frame.handlers = [h];
            else frame.handlers.push(h);
            break;
          }
          case Op.TryEnd:
            frame.handlers!.pop();
            break;
          case Op.Throw:
            throw thrown(stack[--sp]!);
          case Op.Rethrow:
            throw stack[--sp] as unknown as VmError;
          case Op.CatchValue: {
            const e = stack[sp - 1] as unknown as VmError;
            stack[sp - 1] = e.kind === ErrorKind.Thrown ? e.thrown : e.display(display);
            break;
          }
          case Op.Yield: {
            frame.ip = ip;
            fiber.sp = sp;
            const a = finishFrameReturn(rt, task, fiber, stack[sp - 1]!, true);
            if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
            continue outer;
          }
          case Op.WrapOk: {
            const v = stack[sp - 1]!;
            if (!isResult(v)) stack[sp - 1] = ok(v);
            break;
          }
          case Op.WrapErr:
            stack[sp - 1] = err(stack[sp - 1]!);
            break;
          case Op.TryUnwrap: {
            const v = stack[sp - 1]!;
            if (isResult(v)) {
              if (v.variant === "Ok") stack[sp - 1] = v.fields[0] ?? null;
              else {
                fiber.sp = sp;
                const a = finishFrameReturn(rt, task, fiber, v);
                if (a !== Action.Continue) return a === Action.Park ? Exit.Parked : Exit.Done;
                continue outer;
              }
            } else throw typeError(`? operator requires a Result value, got ${typeName(v)}`);
            break;
          }
          case Op.CheckDestructure: {
            const kind = code[ip++]!;
            const v = stack[sp - 1]!;
            if (kind === 0 && !(v instanceof Dict)) throw destructureError(v, "{...}");
            if (kind === 1 && !Array.isArray(v)) throw destructureError(v, "[...]");
            break;
          }
          case Op.ListRest: {
            const from = code[ip++]!;
            stack[sp - 1] = (stack[sp - 1] as Value[]).slice(from);
            break;
          }
          case Op.DictRest: {
            const exclude = k[code[ip++]!] as string[];
            const src = stack[sp - 1] as Dict;
            const m = new Map(src.map);
            for (const key of exclude) m.delete(key);
            stack[sp - 1] = new Dict(m);
            break;
          }
          case Op.AddLocal: {
            const b = stack[base + code[ip++]!]!;
            const a = stack[sp - 1]!;
            if (typeof a === "number" && typeof b === "number") {
              const r = a + b;
              stack[sp - 1] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intAdd(a, b);
            } else stack[sp - 1] = typeof a === "string" && typeof b === "string" ? a + b : add(a, b);
            break;
          }
          case Op.AddInt: {
            const b = code[ip++]!;
            const a = stack[sp - 1]!;
            if (typeof a === "number") {
              const r = a + b;
              stack[sp - 1] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intAdd(a, b);
            } else stack[sp - 1] = add(a, b);
            break;
          }
          case Op.IncLocal: {
            const slot = base + code[ip++]!;
            const b = code[ip++]!;
            const a = stack[slot]!;
            if (typeof a === "number") {
              const r = a + b;
              stack[slot] = r <= MAX_SAFE && r >= -MAX_SAFE ? r : intAdd(a, b);
            } else stack[slot] = add(a, b);
            break;
          }
          case Op.LtInt: {
            const a = stack[sp - 1]!;
            const b = code[ip++]!;
            stack[sp - 1] = typeof a === "number" ? a < b : compareValues(a, b) < 0;
            break;
          }
          case Op.LeInt: {
            const a = stack[sp - 1]!;
            const b = code[ip++]!;
            stack[sp - 1] = typeof a === "number" ? a <= b : compareValues(a, b) <= 0;
            break;
          }
          case Op.GtInt: {
            const a = stack[sp - 1]!;
            const b = code[ip++]!;
            stack[sp - 1] = typeof a === "number" ? a > b : compareValues(a, b) > 0;
            break;
          }
          case Op.GeInt: {
            const a = stack[sp - 1]!;
            const b = code[ip++]!;
            stack[sp - 1] = typeof a === "number" ? a >= b : compareValues(a, b) >= 0;
            break;
          }
          case Op.EqInt: {
            const a = stack[sp - 1]!;
            const b = code[ip++]!;
            stack[sp - 1] = typeof a === "number" ? a === b : valuesEqual(a, b);
            break;
          }
          case Op.NeqInt: {
            const a = stack[sp - 1]!;
            const b = code[ip++]!;
            stack[sp - 1] = typeof a === "number" ? a !== b : !valuesEqual(a, b);
            break;
          }
          case Op.JumpIfNotLt: {
            const b = stack[--sp]!;
            const a = stack[--sp]!;
            const c = typeof a === "number" && typeof b === "number" ? a < b : compareValues(a, b) < 0;
            ip = c ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotLe: {
            const b = stack[--sp]!;
            const a = stack[--sp]!;
            const c = typeof a === "number" && typeof b === "number" ? a <= b : compareValues(a, b) <= 0;
            ip = c ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotGt: {
            const b = stack[--sp]!;
            const a = stack[--sp]!;
            const c = typeof a === "number" && typeof b === "number" ? a > b : compareValues(a, b) > 0;
            ip = c ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotGe: {
            const b = stack[--sp]!;
            const a = stack[--sp]!;
            const c = typeof a === "number" && typeof b === "number" ? a >= b : compareValues(a, b) >= 0;
            ip = c ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotEq: {
            const b = stack[--sp]!;
            const a = stack[--sp]!;
            const c =
              (typeof a === "number" && typeof b === "number") ||
              (typeof a === "string" && typeof b === "string")
                ? a === b
                : valuesEqual(a, b);
            ip = c ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotNeq: {
            const b = stack[--sp]!;
            const a = stack[--sp]!;
            const c =
              (typeof a === "number" && typeof b === "number") ||
              (typeof a === "string" && typeof b === "string")
                ? a !== b
                : !valuesEqual(a, b);
            ip = c ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotLtInt: {
            const a = stack[--sp]!;
            const b = code[ip++]!;
            ip = (typeof a === "number" ? a < b : compareValues(a, b) < 0) ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotLeInt: {
            const a = stack[--sp]!;
            const b = code[ip++]!;
            ip = (typeof a === "number" ? a <= b : compareValues(a, b) <= 0) ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotGtInt: {
            const a = stack[--sp]!;
            const b = code[ip++]!;
            ip = (typeof a === "number" ? a > b : compareValues(a, b) > 0) ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotGeInt: {
            const a = stack[--sp]!;
            const b = code[ip++]!;
            ip = (typeof a === "number" ? a >= b : compareValues(a, b) >= 0) ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotEqInt: {
            const a = stack[--sp]!;
            const b = code[ip++]!;
            ip = (typeof a === "number" ? a === b : valuesEqual(a, b)) ? ip + 1 : code[ip]!;
            break;
          }
          case Op.JumpIfNotNeqInt: {
            const a = stack[--sp]!;
            const b = code[ip++]!;
            ip = (typeof a === "number" ? a !== b : !valuesEqual(a, b)) ? ip + 1 : code[ip]!;
            break;
          }
          case Op.CheckParam: {
            const slot = code[ip++]!;
            checkParam(stack[base + slot]!, frame.proto!.localNames[slot]!, k[code[ip++]!]!);
            break;
          }
          default:
            throw runtimeError(`invalid instruction ${code[ip - 1]} at ${ip - 1}`);
        }
      }
    } catch (e) {
      frame.ip = ip;
      fiber.sp = sp;
      const error = raiseAt(rt, frame, e);
      if (!unwind(task, error)) return Exit.Done;
    }
  }
}
