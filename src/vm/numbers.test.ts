import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  floatPow,
  formatFloat,
  HFloat,
  type Int,
  intAdd,
  intCompare,
  intDiv,
  intFromNumberTrunc,
  intMod,
  intMul,
  intNeg,
  intPow,
  intSub,
  intToNumber,
  intToString,
  normInt,
  parseIntLiteral,
} from "./numbers.ts";

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Every Int must be normalized: a number iff it is a safe integer, never -0. */
function assertNormalized(v: Int): void {
  if (typeof v === "number") {
    assert.ok(Number.isSafeInteger(v), `unsafe number ${v}`);
    assert.ok(!Object.is(v, -0), "negative zero");
  } else {
    assert.ok(v > BigInt(MAX_SAFE) || v < -BigInt(MAX_SAFE), `bigint ${v} should be a number`);
    assert.ok(v >= I64_MIN && v <= I64_MAX, `bigint ${v} outside i64`);
  }
}

function same(actual: Int | HFloat, expected: Int | HFloat): void {
  if (!(actual instanceof HFloat)) assertNormalized(actual);
  assert.deepEqual(actual, expected);
}

describe("normInt", () => {
  test("small bigints become numbers, large ones stay bigints", () => {
    same(normInt(5n), 5);
    same(normInt(-9007199254740991n), -MAX_SAFE);
    same(normInt(9007199254740992n), 9007199254740992n);
    same(normInt(-9007199254740992n), -9007199254740992n);
  });
  test("wraps to i64", () => {
    same(normInt(I64_MAX + 1n), I64_MIN);
    same(normInt(2n ** 64n), 0);
    same(normInt(2n ** 64n + 7n), 7);
  });
});

describe("add and sub", () => {
  test("fast path", () => {
    same(intAdd(2, 3), 5);
    same(intSub(2, 3), -1);
    same(intSub(0, 0), 0);
  });
  test("crossing the safe boundary switches representation both ways", () => {
    const up = intAdd(MAX_SAFE, 1);
    same(up, 9007199254740992n);
    same(intSub(up, 1), MAX_SAFE);
    same(intSub(-MAX_SAFE, 1), -9007199254740992n);
    same(intAdd(-9007199254740992n, 1), -MAX_SAFE);
    same(intAdd(MAX_SAFE, MAX_SAFE), 18014398509481982n);
  });
  test("wraps at i64 bounds", () => {
    same(intAdd(I64_MAX, 1), I64_MIN);
    same(intSub(I64_MIN, 1), I64_MAX);
    same(intAdd(I64_MAX, I64_MAX), -2);
  });
});

describe("mul", () => {
  test("fast path and no negative zero", () => {
    same(intMul(6, 7), 42);
    same(intMul(0, -5), 0);
    same(intMul(-3, 4), -12);
  });
  test("beyond the safe range goes exact via bigint", () => {
    same(intMul(94906267, 94906267), 9007199515875289n);
    same(intMul(2 ** 30, 2 ** 30), 1152921504606846976n);
  });
  test("overflow wraps like wrapping_mul", () => {
    same(intMul(I64_MAX, 2), -2);
    same(intMul(I64_MIN, -1), I64_MIN);
    same(intMul(4294967296, 4294967296), 0);
    same(intMul(3037000500, 3037000500), -9223372036709301616n);
  });
});

describe("div and mod", () => {
  test("truncate toward zero, remainder takes the dividend's sign", () => {
    same(intDiv(7, 2), 3);
    same(intDiv(-7, 2), -3);
    same(intDiv(7, -2), -3);
    same(intDiv(-7, -2), 3);
    same(intDiv(-1, 2), 0);
    same(intDiv(0, -3), 0);
    same(intMod(-7, 2), -1);
    same(intMod(7, -2), 1);
    same(intMod(-7, -2), -1);
    same(intMod(-4, 2), 0);
  });
  test("large safe operands divide exactly", () => {
    same(intDiv(MAX_SAFE, 3), 3002399751580330);
    same(intDiv(MAX_SAFE, MAX_SAFE - 1), 1);
    same(intDiv(MAX_SAFE - 1, MAX_SAFE), 0);
    same(intMod(MAX_SAFE, 10), 1);
  });
  test("bigint operands", () => {
    same(intDiv(I64_MAX, 2), 4611686018427387903n);
    same(intDiv(I64_MAX, I64_MAX), 1);
    same(intMod(I64_MIN, 10), -8);
    same(intDiv(I64_MIN, -1), I64_MIN);
    same(intMod(I64_MIN, -1), 0);
  });
});

describe("neg", () => {
  test("wraps and normalizes", () => {
    same(intNeg(5), -5);
    same(intNeg(0), 0);
    same(intNeg(I64_MAX), -I64_MAX);
    same(intNeg(I64_MIN), I64_MIN);
    same(intNeg(9007199254740992n), -9007199254740992n);
  });
});

describe("pow", () => {
  test("non-negative exponents stay int", () => {
    same(intPow(2, 10), 1024);
    same(intPow(5, 0), 1);
    same(intPow(0, 0), 1);
    same(intPow(-3, 3), -27);
    same(intPow(2, 53), 9007199254740992n);
    same(intPow(10, 18), 1000000000000000000n);
    same(intPow(2, 63), I64_MIN);
  });
  test("overflow wraps like wrapping_pow", () => {
    same(intPow(2, 64), 0);
    same(intPow(3, 40), -6289078614652622815n);
    same(intPow(-1, 4294967295), -1);
    same(intPow(1, 4294967295), 1);
    same(intPow(7, 4294967295), normInt(modPow(7n, 4294967295n)));
    same(intPow(I64_MAX, 2), 1);
  });
  test("negative or huge exponents promote to float", () => {
    same(intPow(2, -1), new HFloat(0.5));
    same(intPow(10, -2), new HFloat(0.01));
    same(intPow(1, 4294967296), new HFloat(1));
    same(intPow(2, 9007199254740992n), new HFloat(Number.POSITIVE_INFINITY));
  });
  test("floatPow follows IEEE pow on the cases JS gets differently", () => {
    assert.equal(floatPow(1, Number.NaN), 1);
    assert.equal(floatPow(-1, Number.POSITIVE_INFINITY), 1);
    assert.equal(floatPow(2, 0.5), Math.SQRT2);
    assert.ok(Number.isNaN(floatPow(-8, 1 / 3)));
  });
});

/** Reference wrapping power by plain repeated squaring mod 2^64. */
function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % 2n ** 64n;
    b = (b * b) % 2n ** 64n;
  }
  return result;
}

describe("conversions", () => {
  test("intCompare across representations", () => {
    assert.equal(intCompare(1, 2), -1);
    assert.equal(intCompare(2, 2), 0);
    assert.equal(intCompare(3, 2), 1);
    assert.equal(intCompare(MAX_SAFE, 9007199254740992n), -1);
    assert.equal(intCompare(-MAX_SAFE, -9007199254740992n), 1);
    assert.equal(intCompare(I64_MAX, 0), 1);
    assert.equal(intCompare(I64_MIN, 0), -1);
    assert.equal(intCompare(I64_MIN, I64_MAX), -1);
    assert.equal(intCompare(I64_MAX, I64_MAX), 0);
  });
  test("intToNumber rounds to nearest", () => {
    assert.equal(intToNumber(42), 42);
    assert.equal(intToNumber(I64_MAX), 2 ** 63);
    assert.equal(intToNumber(9007199254740993n), 9007199254740992);
  });
  test("intFromNumberTrunc truncates and saturates like `as i64`", () => {
    same(intFromNumberTrunc(3.9), 3);
    same(intFromNumberTrunc(-3.9), -3);
    same(intFromNumberTrunc(-0.5), 0);
    same(intFromNumberTrunc(Number.NaN), 0);
    same(intFromNumberTrunc(1e300), I64_MAX);
    same(intFromNumberTrunc(Number.NEGATIVE_INFINITY), I64_MIN);
    same(intFromNumberTrunc(2 ** 63), I64_MAX);
    same(intFromNumberTrunc(-(2 ** 63)), I64_MIN);
    same(intFromNumberTrunc(1e18), 1000000000000000000n);
  });
  test("parseIntLiteral", () => {
    same(parseIntLiteral("0")!, 0);
    same(parseIntLiteral("-0")!, 0);
    same(parseIntLiteral("123")!, 123);
    same(parseIntLiteral("-42")!, -42);
    same(parseIntLiteral("007")!, 7);
    same(parseIntLiteral("9007199254740991")!, MAX_SAFE);
    same(parseIntLiteral("9007199254740992")!, 9007199254740992n);
    same(parseIntLiteral("9223372036854775807")!, I64_MAX);
    same(parseIntLiteral("-9223372036854775808")!, I64_MIN);
    assert.equal(parseIntLiteral("9223372036854775808"), null);
    assert.equal(parseIntLiteral("-9223372036854775809"), null);
    assert.equal(parseIntLiteral(""), null);
    assert.equal(parseIntLiteral("-"), null);
    assert.equal(parseIntLiteral("1.5"), null);
    assert.equal(parseIntLiteral("+1"), null);
    assert.equal(parseIntLiteral("1_000"), null);
  });
  test("intToString prints i64 bounds exactly", () => {
    assert.equal(intToString(I64_MAX), "9223372036854775807");
    assert.equal(intToString(I64_MIN), "-9223372036854775808");
    assert.equal(intToString(intAdd(I64_MAX, 1)), "-9223372036854775808");
    assert.equal(intToString(-17), "-17");
  });
});

describe("formatFloat", () => {
  const cases: [number, string][] = [
    [3, "3.0"],
    [10, "10.0"],
    [100, "100.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [-1.5, "-1.5"],
    [2.5, "2.5"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1 / 3, "0.3333333333333333"],
    [1e15 - 0.5, "999999999999999.5"],
    [1e15 - 1, "999999999999999.0"],
    [-(1e15 - 1), "-999999999999999.0"],
    [1e15, "1000000000000000"],
    [1e16, "10000000000000000"],
    [1e21, "1000000000000000000000"],
    [-1e21, "-1000000000000000000000"],
    [1.2345678901234568e17, "123456789012345680"],
    [1.5e22, "15000000000000000000000"],
    // Exact ties between two shortest candidates: Rust rounds up, JS to even.
    [893819255666012.25, "893819255666012.3"],
    [-(2020163013628192 + 0.25), "-2020163013628192.3"],
    [183731401631701 + 0.625, "183731401631701.63"],
    [893819255666012.75, "893819255666012.8"],
    [1e-6, "0.000001"],
    [1e-7, "0.0000001"],
    [1.5e-7, "0.00000015"],
    [-2.5e-8, "-0.000000025"],
    [5e-324, "0." + "0".repeat(323) + "5"],
    [1.5e300, "15" + "0".repeat(299)],
    [Number.MAX_VALUE, "17976931348623157" + "0".repeat(292)],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "inf"],
    [Number.NEGATIVE_INFINITY, "-inf"],
  ];
  for (const [input, expected] of cases) {
    test(`${input} prints ${expected.length > 40 ? expected.slice(0, 40) + "…" : expected}`, () => {
      assert.equal(formatFloat(input), expected);
    });
  }
  test("printed digits round-trip", () => {
    for (const x of [5e-324, 1.5e300, 1.2345678901234568e17, 1e-7, 0.1 + 0.2, 123.456e-20]) {
      assert.equal(Number(formatFloat(x)), x);
    }
  });
});
