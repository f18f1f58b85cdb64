// Binary and unary operators with the spec's type rules ("Binary operator
// semantics") and the reference's error texts. The interpreter inlines the
// int fast paths; these functions are the general (slow) paths.

import { valuesEqual } from "./compare.ts";
import { display, typeName } from "./display.ts";
import { ErrorKind, runtimeError, typeError, VmError } from "./errors.ts";
import { floatPow, intAdd, intDiv, intMod, intMul, intNeg, intPow, intSub, intToNumber } from "./numbers.ts";
import { Dict, HFloat, Tag, type Value } from "./values.ts";

type Num = { int: number | bigint } | { float: number };

function num(v: Value): Num | undefined {
  if (typeof v === "number" || typeof v === "bigint") return { int: v };
  if (typeof v === "object" && v !== null && !Array.isArray(v) && v.tag === Tag.Float) return { float: v.v };
  return undefined;
}

function asFloat(n: Num): number {
  return "float" in n ? n.float : intToNumber(n.int);
}

/** Applies an int or float operation, promoting to float when either side is a float. */
function arith(
  a: Value,
  b: Value,
  intOp: (x: number | bigint, y: number | bigint) => Value,
  floatOp: (x: number, y: number) => number,
): Value | undefined {
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined) return undefined;
  if ("int" in x && "int" in y) return intOp(x.int, y.int);
  return new HFloat(floatOp(asFloat(x), asFloat(y)));
}

const DIV_ZERO = (): VmError => new VmError(ErrorKind.DivisionByZero, "");

export function add(a: Value, b: Value): Value {
  const r = arith(a, b, intAdd, (x, y) => x + y);
  if (r !== undefined) return r;
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  if (a instanceof Dict && b instanceof Dict) {
    const m = new Map(a.map);
    for (const [k, v] of b.map) m.set(k, v);
    return new Dict(m);
  }
  throw typeError(`Cannot add ${typeName(a)} and ${typeName(b)}`);
}

export function sub(a: Value, b: Value): Value {
  const r = arith(a, b, intSub, (x, y) => x - y);
  if (r !== undefined) return r;
  throw typeError(`Cannot subtract ${typeName(b)} from ${typeName(a)}`);
}

function repeat(s: string, n: number | bigint): string {
  const count = typeof n === "bigint" ? (n > 0n ? Number.MAX_SAFE_INTEGER : 0) : n;
  return count > 0 ? s.repeat(count) : "";
}

export function mul(a: Value, b: Value): Value {
  const r = arith(a, b, intMul, (x, y) => x * y);
  if (r !== undefined) return r;
  if (typeof a === "string" && (typeof b === "number" || typeof b === "bigint")) return repeat(a, b);
  if (typeof b === "string" && (typeof a === "number" || typeof a === "bigint")) return repeat(b, a);
  throw typeError(`Cannot multiply ${typeName(a)} and ${typeName(b)}`);
}

export function div(a: Value, b: Value): Value {
  const x = num(a);
  const y = num(b);
  if (x && y) {
    if ("int" in x && "int" in y) {
      if (y.int === 0) throw DIV_ZERO();
      return intDiv(x.int, y.int);
    }
    return new HFloat(asFloat(x) / asFloat(y));
  }
  throw runtimeError(`Cannot divide ${typeName(a)} by ${typeName(b)}`);
}

export function mod(a: Value, b: Value): Value {
  const x = num(a);
  const y = num(b);
  if (x && y) {
    if ("int" in x && "int" in y) {
      if (y.int === 0) throw DIV_ZERO();
      return intMod(x.int, y.int);
    }
    const d = asFloat(y);
    if (d === 0) throw DIV_ZERO();
    return new HFloat(asFloat(x) % d);
  }
  throw runtimeError(`Cannot modulo ${typeName(a)} by ${typeName(b)}`);
}

/** `float ** int` multiplies by squaring, like Rust's powi. */
function powi(base: number, exp: number): number {
  let e = Math.abs(exp);
  let result = 1;
  let b = base;
  while (e > 0) {
    if (e & 1) result *= b;
    b *= b;
    e = Math.floor(e / 2);
  }
  return exp < 0 ? 1 / result : result;
}

export function pow(a: Value, b: Value): Value {
  const x = num(a);
  const y = num(b);
  if (x && y) {
    if ("int" in x && "int" in y) return intPow(x.int, y.int);
    if ("float" in x && "int" in y) {
      const e = intToNumber(y.int);
      return new HFloat(Math.abs(e) <= 2147483647 ? powi(x.float, e) : floatPow(x.float, e));
    }
    return new HFloat(floatPow(asFloat(x), asFloat(y)));
  }
  throw typeError(`Cannot exponentiate ${typeName(a)} by ${typeName(b)}`);
}

export function neg(a: Value): Value {
  if (typeof a === "number" || typeof a === "bigint") return intNeg(a);
  if (a instanceof HFloat) return new HFloat(-a.v);
  throw runtimeError(`Cannot negate value of type ${typeName(a)}`);
}

/** `item in collection` (spec: "Keyword operators"). */
export function contains(collection: Value, item: Value): boolean {
  if (Array.isArray(collection)) return collection.some((v) => valuesEqual(v, item));
  if (typeof collection === "string")
    return collection.includes(typeof item === "string" ? item : display(item));
  if (collection === null || typeof collection !== "object") return false;
  switch (collection.tag) {
    case Tag.Dict:
      return collection.map.has(typeof item === "string" ? item : display(item));
    case Tag.Set:
      return collection.items.some((v) => valuesEqual(v, item));
    case Tag.Range: {
      if (typeof item !== "number") return false;
      const end = collection.inclusive ? collection.end : collection.end - 1;
      return item >= collection.start && item <= end;
    }
    default:
      return false;
  }
}
