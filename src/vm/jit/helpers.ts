// Everything compiled code calls back into: the same operators, accessors
// and call paths the interpreter uses, gathered in one object that the
// generated functions receive as `H`. Keeping compiled code on these shared
// slow paths is what makes the two tiers behave identically.

import { getIndex, getProperty, setIndex, setProperty, slice } from "../access.ts";
import { callMethodAt, callValueAt, deliver, finishFrameReturn, tailCall } from "../calls.ts";
import { compareValues, valuesEqual } from "../compare.ts";
import { display, truthy, typeName } from "../display.ts";
import { ErrorKind, runtimeError, thrown, typeError, VmError } from "../errors.ts";
import { GeneratorLoop, loopSource, NativeLoop } from "../iterators.ts";
import { sitesFor } from "../link.ts";
import { intAdd, intDiv, intSub } from "../numbers.ts";
import { add, contains, div, mod, mul, neg, pow, sub } from "../operators.ts";
import { checkParam } from "../param-check.ts";
import type { RuntimeApi } from "../runtime-api.ts";
import {
  BuiltinRef,
  type BuiltinResult,
  CallRequest,
  Cell,
  Closure,
  Dict,
  err,
  GeneratorValue,
  isResult,
  NativeCall,
  ok,
  RangeValue,
  StructValue,
  TypeValue,
  type Value,
} from "../values.ts";

export function destructureError(v: Value, pattern: string): VmError {
  return runtimeError(`cannot destructure ${typeName(v)} with ${pattern} pattern`);
}

/** A method call site's cache: the receiver type it saw and that type's builtin method. */
export interface MethodSite {
  readonly type: string;
  readonly fn: ((receiver: Value, args: Value[], ctx: unknown) => BuiltinResult) | null;
}

/**
 * The cache entry for calling `name` on `recv`. `fn` is null where the
 * generic path must decide (struct methods, type members, generator steps,
 * or no builtin method).
 */
function methodSite(rt: RuntimeApi, recv: Value, type: string, name: string): MethodSite {
  const special = recv instanceof StructValue || recv instanceof TypeValue || recv instanceof GeneratorValue;
  return { type, fn: special ? null : ((rt.builtinMethod(type, name) as MethodSite["fn"]) ?? null) };
}

/** Whether a builtin's result is a plain value (not a Promise or a request to call Harn code). */
function isPlain(r: BuiltinResult): r is Value {
  return (
    r === null ||
    typeof r !== "object" ||
    !(r instanceof Promise || r instanceof NativeCall || r instanceof CallRequest)
  );
}

export const JIT_HELPERS = {
  BuiltinRef,
  methodSite,
  isPlain,
  deliver,
  getIndex,
  getProperty,
  setIndex,
  setProperty,
  slice,
  callMethodAt,
  callValueAt,
  finishFrameReturn,
  tailCall,
  compareValues,
  valuesEqual,
  display,
  truthy,
  typeName,
  ErrorKind,
  VmError,
  runtimeError,
  thrown,
  typeError,
  destructureError,
  GeneratorLoop,
  NativeLoop,
  loopSource,
  sitesFor,
  intAdd,
  intDiv,
  intSub,
  add,
  contains,
  div,
  mod,
  mul,
  neg,
  pow,
  sub,
  checkParam,
  Cell,
  Closure,
  Dict,
  RangeValue,
  StructValue,
  err,
  isResult,
  ok,
};

export type JitHelpers = typeof JIT_HELPERS;
