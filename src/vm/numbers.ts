/**
 * Numeric core of the VM: Harn `int` arithmetic with i64 wrapping semantics,
 * `float` boxing, and the exact text forms both types print as.
 *
 * A Harn int is a signed 64-bit integer that wraps on overflow. Most ints in
 * real programs are small, so an int is a plain JS `number` whenever it lies
 * in the safe-integer range and a `bigint` only outside it. That keeps the
 * common path free of allocation and BigInt work, and the normalization rule
 * (bigint ⇔ unsafe magnitude) keeps `===` a correct equality test. Floats are
 * boxed in `HFloat` so that `3.0` stays distinguishable from `3`.
 *
 * No int helper ever returns `-0`: JS produces it from `0 * -1`, `-1 % 1` and
 * friends, and it would surface as `-0.0` once promoted to float.
 */

/** A Harn int: a safe-integer `number`, or a `bigint` outside that range (never inside it). */
export type Int = number | bigint;

import { HFloat } from "./values.ts";

export { HFloat };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const TWO_POW_63 = 2 ** 63;
const U32_MAX = 2 ** 32 - 1;

/** Wraps a bigint to i64 and returns it in normalized `Int` form. */
export function normInt(b: bigint): Int {
  const w = BigInt.asIntN(64, b);
  if (w >= -9007199254740991n && w <= 9007199254740991n) return Number(w);
  return w;
}

function big(a: Int): bigint {
  return typeof a === "bigint" ? a : BigInt(a);
}

/** Wrapping i64 addition (Rust `wrapping_add`). */
export function intAdd(a: Int, b: Int): Int {
  if (typeof a === "number" && typeof b === "number") {
    // Two safe ints sum exactly unless the true sum leaves the safe range,
    // in which case the rounded double leaves it too.
    const r = a + b;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return normInt(big(a) + big(b));
}

/** Wrapping i64 subtraction (Rust `wrapping_sub`). */
export function intSub(a: Int, b: Int): Int {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return normInt(big(a) - big(b));
}

/** Wrapping i64 multiplication (Rust `wrapping_mul`). */
export function intMul(a: Int, b: Int): Int {
  if (typeof a === "number" && typeof b === "number") {
    // A double product of magnitude <= 2^53-1 is exact: any true product at or
    // beyond 2^53 rounds to a double at or beyond 2^53.
    const r = a * b;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r + 0;
  }
  return normInt(big(a) * big(b));
}

/**
 * i64 division truncating toward zero (Rust `wrapping_div`: `MIN / -1` is `MIN`).
 * The caller has already rejected a zero divisor.
 */
export function intDiv(a: Int, b: Int): Int {
  if (typeof a === "number" && typeof b === "number") {
    // `%` is exact, so the numerator is an exact multiple of b and the
    // division below is exact too; `Math.trunc(a / b)` could round wrongly.
    return (a - (a % b)) / b + 0;
  }
  return normInt(big(a) / big(b));
}

/** i64 remainder with the sign of the dividend (Rust `wrapping_rem`). Divisor is non-zero. */
export function intMod(a: Int, b: Int): Int {
  if (typeof a === "number" && typeof b === "number") return (a % b) + 0;
  return normInt(big(a) % big(b));
}

/** Wrapping i64 negation (`-MIN` is `MIN`). */
export function intNeg(a: Int): Int {
  return typeof a === "number" ? 0 - a : normInt(-a);
}

/**
 * `int ** int`: an exponent in `0..=u32::MAX` gives a wrapping int (Rust
 * `wrapping_pow`); a negative or larger exponent promotes to float.
 */
export function intPow(base: Int, exp: Int): Int | HFloat {
  if (typeof exp === "bigint" || exp < 0 || exp > U32_MAX) {
    return new HFloat(floatPow(intToNumber(base), intToNumber(exp)));
  }
  if (typeof base === "number") {
    const r = smallPow(base, exp);
    if (r !== undefined) return r;
  }
  return bigPow(big(base), exp);
}

/** Square-and-multiply on doubles; `undefined` once an intermediate leaves the safe range. */
function smallPow(base: number, exp: number): number | undefined {
  let result = 1;
  let square = base;
  let e = exp;
  for (;;) {
    if (e % 2 === 1) {
      result *= square;
      if (result > MAX_SAFE || result < -MAX_SAFE) return undefined;
    }
    e = Math.floor(e / 2);
    if (e === 0) return result + 0;
    square *= square;
    if (square > MAX_SAFE) return undefined;
  }
}

function bigPow(base: bigint, exp: number): Int {
  let result = 1n;
  let square = BigInt.asIntN(64, base);
  let e = exp;
  for (;;) {
    if (e % 2 === 1) result = BigInt.asIntN(64, result * square);
    e = Math.floor(e / 2);
    if (e === 0) return normInt(result);
    square = BigInt.asIntN(64, square * square);
  }
}

/** `float ** float` with Rust `powf` semantics where they differ from `Math.pow`. */
export function floatPow(base: number, exp: number): number {
  // IEEE pow (and Rust) give 1 for 1 ** NaN and (-1) ** ±inf; JS gives NaN.
  if (base === 1 || (base === -1 && !Number.isFinite(exp) && !Number.isNaN(exp))) return 1;
  return base ** exp;
}

/** Three-way comparison of two ints. */
export function intCompare(a: Int, b: Int): -1 | 0 | 1 {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  // A normalized bigint lies outside the safe range, so against a number
  // only its sign matters.
  if (typeof a === "number") return (b as bigint) > 0n ? -1 : 1;
  if (typeof b === "number") return a > 0n ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Int → float promotion, rounding to nearest like Rust `as f64`. */
export function intToNumber(a: Int): number {
  return typeof a === "number" ? a : Number(a);
}

/** Float → int truncating toward zero like Rust `as i64`: NaN is 0, out-of-range saturates. */
export function intFromNumberTrunc(x: number): Int {
  if (Number.isNaN(x)) return 0;
  if (x >= TWO_POW_63) return I64_MAX;
  if (x <= -TWO_POW_63) return I64_MIN;
  const t = Math.trunc(x) + 0;
  return t <= MAX_SAFE && t >= -MAX_SAFE ? t : BigInt(t);
}

const DECIMAL_INT = /^-?[0-9]+$/;

/** Parses optional `-` plus decimal digits; `null` if malformed or outside i64. */
export function parseIntLiteral(text: string): Int | null {
  if (!DECIMAL_INT.test(text)) return null;
  // Up to 15 digits always fits a safe integer.
  if (text.length <= 15) return Number(text) + 0;
  const b = BigInt(text);
  if (b < I64_MIN || b > I64_MAX) return null;
  return normInt(b);
}

/** Decimal text of an int, as Rust prints an i64. */
export function intToString(a: Int): string {
  return String(a);
}

/**
 * Text of a float as the Harn VM prints it: integral values below 1e15 in
 * magnitude keep one decimal (`3.0`, `-0.0`); everything else is Rust's f64
 * `Display` — shortest round-trip digits, laid out positionally, never in
 * exponent notation. NaN and infinities print `NaN`, `inf`, `-inf`.
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) {
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    return String(x) + ".0";
  }
  return positionalDigits(x);
}

/**
 * Lays out JS's shortest round-trip digits positionally (JS switches to
 * exponent form below 1e-6 and from 1e21 up; Rust never does). The two also
 * break ties differently: when two shortest candidates are equally close, JS
 * picks the even last digit and Rust the larger magnitude.
 */
function positionalDigits(x: number): string {
  const text = String(x);
  const negative = text.startsWith("-");
  const e = text.indexOf("e");
  const mantissa = text.slice(negative ? 1 : 0, e < 0 ? text.length : e);
  const dot = mantissa.indexOf(".");
  let digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Count of digits before the decimal point, i.e. value = 0.digits × 10^intDigits.
  let intDigits = (dot < 0 ? mantissa.length : dot) + (e < 0 ? 0 : Number(text.slice(e + 1)));
  const lead = digits.search(/[1-9]/);
  digits = digits.slice(lead).replace(/0+$/, "");
  intDigits -= lead;
  if (isTieRoundedDown(Math.abs(x), digits, intDigits)) {
    digits = digits.slice(0, -1) + String(Number(digits.slice(-1)) + 1);
  }
  let body: string;
  if (intDigits >= digits.length) {
    body = digits + "0".repeat(intDigits - digits.length);
  } else if (intDigits <= 0) {
    body = "0." + "0".repeat(-intDigits) + digits;
  } else {
    body = digits.slice(0, intDigits) + "." + digits.slice(intDigits);
  }
  return negative ? "-" + body : body;
}

const floatBits = new Float64Array(1);
const floatWord = new BigUint64Array(floatBits.buffer);

/**
 * True when `x` lies exactly halfway between `digits` and the next decimal up
 * at the same length, and JS chose the lower (even) one. Ties need about 16
 * significant digits (a double's spacing must reach the last decimal place)
 * and an even last digit, which also rules out a carry when rounding up.
 */
function isTieRoundedDown(x: number, digits: string, intDigits: number): boolean {
  if (digits.length < 15 || Number(digits.slice(-1)) % 2 !== 0) return false;
  floatBits[0] = x;
  const word = floatWord[0]!;
  const biased = Number(word >> 52n);
  const fraction = word & 0xfffffffffffffn;
  const mant = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = biased === 0 ? -1074 : biased - 1075;
  // Compare mant × 2^exp2 with "<digits>5" × 10^exp10, cross-multiplied to stay integral.
  const coeff = BigInt(digits) * 10n + 5n;
  const exp10 = intDigits - digits.length - 1;
  const left = (mant << BigInt(Math.max(exp2, 0))) * 10n ** BigInt(Math.max(-exp10, 0));
  const right = (coeff * 10n ** BigInt(Math.max(exp10, 0))) << BigInt(Math.max(-exp2, 0));
  return left === right;
}
