// Everything compiled code calls back into: the same operators, accessors
// and call paths the interpreter uses, gathered in one object that the
// generated functions receive as `H`. Keeping compiled code on these shared
// slow paths is what makes the two tiers behave identically.

import { getIndex, getProperty, setIndex, setProperty, slice } from "../access.ts";
import { callMethodAt, callValueAt, finishFrameReturn, tailCall } from "../calls.ts";
import { compareValues, valuesEqual } from "../compare.ts";
import { display, truthy, typeName } from "../display.ts";
import { ErrorKind, runtimeError, thrown, typeError, VmError } from "../errors.ts";
import { GeneratorLoop, loopSource, NativeLoop } from "../iterators.ts";
import { sitesFor } from "../link.ts";
import { intAdd, intDiv, intSub } from "../numbers.ts";
import { add, contains, div, mod, mul, neg, pow, sub } from "../operators.ts";
import { checkParam } from "../param-check.ts";
import { Cell, Closure, Dict, err, isResult, ok, RangeValue, StructValue, type Value } from "../values.ts";

export function destructureError(v: Value, pattern: string): VmError {
  return runtimeError(`cannot destructure ${typeName(v)} with ${pattern} pattern`);
}

export const JIT_HELPERS = {
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
