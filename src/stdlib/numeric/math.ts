// Scalar math builtins (spec: builtins "Math", "Trigonometry", "Logarithms
// and exponentials", "Constants and utilities"). Result types follow the
// reference exactly: `floor`/`ceil`/`round` turn floats into ints (and fail
// on values no i64 can hold), `pow` stays an int while the exact result
// fits, transcendental functions always give floats, and a non-numeric
// argument gives nil rather than an error. `min`/`max` live in core.ts.

import { runtimeError } from "../../vm/errors.ts";
import { floatPow, type Int, intFromNumberTrunc, intToNumber, normInt } from "../../vm/numbers.ts";
import { HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

const TWO_POW_63 = 2 ** 63;
const U32_MAX = 2 ** 32 - 1;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

export function isInt(v: Value | undefined): v is Int {
  return typeof v === "number" || typeof v === "bigint";
}

/** The argument as a JS number when it is an int or float, else undefined. */
export function numberOf(v: Value | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof HFloat) return v.v;
  return undefined;
}

/** Rust `f64::round`: halves round away from zero (JS `Math.round` rounds them up). */
export function roundHalfAway(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** A rounded float as an int; non-finite and out-of-range values are errors. */
function toIntChecked(x: number): Int {
  if (!Number.isFinite(x)) throw runtimeError("cannot convert non-finite float to int");
  if (x < -TWO_POW_63 || x >= TWO_POW_63) throw runtimeError("float is outside the representable int range");
  return intFromNumberTrunc(x);
}

function rounding(op: (x: number) => number): (args: Value[]) => Value {
  return (args) => {
    const v = args[0];
    if (isInt(v)) return v;
    if (v instanceof HFloat) return toIntChecked(op(v.v));
    return null;
  };
}

function abs(v: Value | undefined): Value {
  if (typeof v === "number") return Math.abs(v);
  if (typeof v === "bigint") {
    // |i64::MIN| does not fit an i64, so the reference answers with a float.
    return v === I64_MIN ? new HFloat(TWO_POW_63) : normInt(v < 0n ? -v : v);
  }
  if (v instanceof HFloat) return new HFloat(Math.abs(v.v));
  return null;
}

/** `base ** exp` for ints when the exact result fits an i64 (Rust `checked_pow`). */
function checkedIntPow(base: Int, exp: number): Int | undefined {
  const b = BigInt(base);
  if (b === 0n || b === 1n) return exp === 0 ? 1 : normInt(b);
  if (b === -1n) return exp % 2 === 0 ? 1 : -1;
  if (exp > 64) return undefined;
  const r = b ** BigInt(exp);
  return r < I64_MIN || r > I64_MAX ? undefined : normInt(r);
}

/** Rust `f64::powi` (LLVM's `__powidf2`): square-and-multiply, reciprocal for negative powers. */
export function powi(base: number, exp: number): number {
  let a = base;
  let b = exp;
  let r = 1;
  for (;;) {
    if (b & 1) r *= a;
    b = (b / 2) | 0;
    if (b === 0) break;
    a *= a;
  }
  return exp < 0 ? 1 / r : r;
}

function pow(args: Value[]): Value {
  if (args.length < 2) return null;
  const [base, exp] = args as [Value, Value];
  if (isInt(base) && isInt(exp)) {
    const e = intToNumber(exp);
    if (e >= 0 && e <= U32_MAX) {
      const exact = checkedIntPow(base, e);
      if (exact !== undefined) return exact;
    }
    return new HFloat(floatPow(intToNumber(base), e));
  }
  if (base instanceof HFloat && isInt(exp)) {
    const e = intToNumber(exp);
    const inI32 = e >= -(2 ** 31) && e < 2 ** 31;
    return new HFloat(inI32 ? powi(base.v, e) : floatPow(base.v, e));
  }
  const b = numberOf(base);
  const e = numberOf(exp);
  if (b === undefined || e === undefined) return null;
  return new HFloat(floatPow(b, e));
}

function sign(v: Value | undefined): Value {
  if (typeof v === "number") return Math.sign(v) + 0;
  if (typeof v === "bigint") return v > 0n ? 1 : -1;
  if (v instanceof HFloat) {
    if (Number.isNaN(v.v)) return new HFloat(Number.NaN);
    return v.v === 0 ? 0 : v.v > 0 ? 1 : -1;
  }
  return null;
}

/** One-argument float functions: ints are promoted, anything else gives nil. */
const UNARY_FLOAT: Record<string, (x: number) => number> = {
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  log2: Math.log2,
  log10: Math.log10,
  ln: Math.log,
  exp: Math.exp,
};

export function registerMath(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("abs", (args) => abs(args[0]));
  b("floor", rounding(Math.floor));
  b("ceil", rounding(Math.ceil));
  b("round", rounding(roundHalfAway));
  b("pow", pow);
  for (const [name, fn] of Object.entries(UNARY_FLOAT)) {
    b(name, (args) => {
      const x = numberOf(args[0]);
      return x === undefined ? null : new HFloat(fn(x));
    });
  }
  b("atan2", (args) => {
    const y = numberOf(args[0]);
    const x = numberOf(args[1]);
    return y === undefined || x === undefined ? null : new HFloat(Math.atan2(y, x));
  });
  b("sign", (args) => sign(args[0]));
  b("is_nan", (args) => args[0] instanceof HFloat && Number.isNaN(args[0].v));
  b("is_infinite", (args) => {
    const v = args[0];
    return v instanceof HFloat && !Number.isNaN(v.v) && !Number.isFinite(v.v);
  });
  vm.globals.set("pi", new HFloat(Math.PI));
  vm.globals.set("e", new HFloat(Math.E));
}
