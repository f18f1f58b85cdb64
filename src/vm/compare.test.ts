// Tables for equality (`valuesEqual`) and ordering (`compareValues`), spec
// "Equality" and "Comparison": same type and contents are equal, int and
// float compare by value, closures are never equal; only numbers, strings
// (by code point) and pairs order, everything else compares as equal. The
// pool test checks reflexivity and symmetry over many kinds of value at once.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runSource } from "../engine.ts";
import { compareValues, valuesEqual } from "./compare.ts";
import { display } from "./display.ts";
import {
  BytesValue,
  Dict,
  Duration,
  EnumValue,
  HandleValue,
  HFloat,
  HSet,
  PairValue,
  RangeValue,
  StructValue,
  TypeValue,
  type Value,
} from "./values.ts";

const f = (v: number): HFloat => new HFloat(v);
const dict = (entries: Record<string, Value>): Dict => Dict.of(entries);
const point = new TypeValue({ kind: "struct", name: "Point", fields: [] });
const other = new TypeValue({ kind: "struct", name: "Other", fields: [] });
const struct = (type: TypeValue, x: Value): StructValue => new StructValue(type, new Map([["x", x]]));
const task = (id: number): HandleValue => new HandleValue("task_handle", () => `<task:${id}>`, null);

/** Values that must equal themselves and (structurally) their twin. */
const twins: [string, () => Value][] = [
  ["nil", () => null],
  ["bool", () => true],
  ["int", () => 7],
  ["big int", () => 9223372036854775807n],
  ["float", () => f(1.5)],
  ["string", () => "é🎉"],
  ["list", () => [1, [2, "x"]]],
  ["dict", () => dict({ a: [1], b: dict({ c: null }) })],
  ["set", () => new HSet([1, 2])],
  ["pair", () => new PairValue("k", 1)],
  ["enum", () => new EnumValue("Result", "Ok", [1])],
  ["struct", () => struct(point, 1)],
  ["range", () => new RangeValue(1, 3, true)],
  ["duration", () => new Duration(5000)],
  ["bytes", () => new BytesValue(new Uint8Array([1, 2]))],
  ["task handle", () => task(3)],
];

describe("valuesEqual", () => {
  for (const [name, make] of twins) {
    test(`${name} equals an identical copy`, () => {
      assert.equal(valuesEqual(make(), make()), true);
    });
  }

  const rows: [string, Value, Value, boolean][] = [
    ["int and float of the same value", 3, f(3), true],
    ["float and int of the same value", f(3), 3, true],
    ["int and a different float", 3, f(3.5), false],
    ["big int and float", 2n ** 60n, f(2 ** 60), true],
    ["a bigint int never equals a safe-number int", 9007199254740993n, 9007199254740991, false],
    ["an int equals the float it converts to", 9007199254740993n, f(9007199254740992), true],
    ["NaN is not equal to itself", f(Number.NaN), f(Number.NaN), false],
    ["zero and negative zero", f(0), f(-0), true],
    ["nil and false", null, false, false],
    ["nil and 0", null, 0, false],
    ["0 and false", 0, false, false],
    ["1 and true", 1, true, false],
    ["string and number", "1", 1, false],
    ["lists compare elementwise with int/float equality", [1, f(2)], [f(1), 2], true],
    ["list order matters", [1, 2], [2, 1], false],
    ["list length matters", [1], [1, 1], false],
    ["dict key order does not matter", dict({ a: 1, b: 2 }), dict({ b: 2, a: 1 }), true],
    ["dict with an extra key", dict({ a: 1 }), dict({ a: 1, b: 2 }), false],
    ["dict with a nil value vs missing key", dict({ a: null }), dict({ b: null }), false],
    ["list vs dict", [], dict({}), false],
    ["sets ignore order", new HSet([1, 2]), new HSet([2, 1]), true],
    ["sets of different size", new HSet([1]), new HSet([1, 2]), false],
    ["enum variant matters", new EnumValue("R", "Ok", [1]), new EnumValue("R", "Err", [1]), false],
    ["enum name matters", new EnumValue("A", "X", []), new EnumValue("B", "X", []), false],
    ["enum fields matter", new EnumValue("R", "Ok", [1]), new EnumValue("R", "Ok", [2]), false],
    ["struct type matters", struct(point, 1), struct(other, 1), false],
    ["struct fields matter", struct(point, 1), struct(point, 2), false],
    ["struct vs dict", struct(point, 1), dict({ x: 1 }), false],
    ["range bounds matter", new RangeValue(1, 3, true), new RangeValue(1, 3, false), false],
    ["duration vs int of the same ms", new Duration(5), 5, false],
    ["task handles with different ids", task(1), task(2), false],
    ["pairs compare both sides", new PairValue(1, 2), new PairValue(1, 3), false],
  ];
  for (const [name, a, b, expected] of rows) {
    test(name, () => {
      assert.equal(valuesEqual(a, b), expected, `${display(a)} vs ${display(b)}`);
    });
  }

  test("closures are never equal, not even to themselves", async () => {
    const outcome = await runSource("pipeline default() {\n  return { x -> x }\n}\n", "compare-test.harn");
    assert.equal(outcome.kind, "ok");
    const closure = outcome.kind === "ok" ? outcome.value : null;
    assert.equal(valuesEqual(closure, closure), false);
  });

  test("the relation is symmetric over a pool of mixed values", () => {
    const pool: Value[] = [
      ...twins.map(([, make]) => make()),
      0,
      f(0),
      f(7),
      "",
      [],
      dict({}),
      [f(1), [2, "x"]],
    ];
    for (const a of pool) {
      for (const b of pool) {
        assert.equal(valuesEqual(a, b), valuesEqual(b, a), `${display(a)} vs ${display(b)}`);
      }
    }
  });
});

describe("compareValues", () => {
  const rows: [string, Value, Value, number][] = [
    ["ints", 1, 2, -1],
    ["equal ints", 5, 5, 0],
    ["negative ints", -3, -10, 1],
    ["bigint above a number", 2n ** 62n, 5, 1],
    ["number above a negative bigint", 0, -(2n ** 62n), 1],
    ["two bigints", -(2n ** 62n), 2n ** 62n, -1],
    ["int vs float", 2, f(2.5), -1],
    ["float vs int", f(3), 3, 0],
    ["floats", f(-1.5), f(-1.25), -1],
    ["strings by code point", "apple", "banana", -1],
    ["uppercase before lowercase", "Zebra", "apple", -1],
    ["prefix sorts first", "ab", "abc", -1],
    ["non-ASCII after ASCII", "é", "z", 1],
    ["astral after BMP (not UTF-16 order)", "😀", "ﬀ", 1],
    ["equal strings", "same", "same", 0],
    ["pairs by first element", new PairValue(1, "z"), new PairValue(2, "a"), -1],
    ["pairs by second element on a tie", new PairValue(1, "b"), new PairValue(1, "a"), 1],
    ["unordered kinds compare as equal", [1], [2], 0],
    ["mixed kinds compare as equal", "1", 1, 0],
    ["nil compares as equal", null, 0, 0],
  ];
  for (const [name, a, b, expected] of rows) {
    test(name, () => {
      assert.equal(compareValues(a, b), expected, `${display(a)} <=> ${display(b)}`);
    });
  }

  test("ordering is antisymmetric over numbers and strings", () => {
    const pool: Value[] = [-2, 0, 1, f(0.5), f(-3), 2n ** 62n, -(2n ** 62n), "a", "B", "é", ""];
    for (const a of pool) {
      for (const b of pool) {
        const ab = compareValues(a, b);
        const ba = compareValues(b, a);
        assert.equal(ab === 0 ? 0 : ab, ba === 0 ? 0 : -ba, `${display(a)} <=> ${display(b)}`);
      }
    }
  });

  test("sorting with compareValues gives numeric then code-point order", () => {
    const ints: Value[] = [3, -(2n ** 62n), f(0.5), 0, 2n ** 62n, -1];
    assert.deepEqual([...ints].sort(compareValues).map(display), [
      "-4611686018427387904",
      "-1",
      "0",
      "0.5",
      "3",
      "4611686018427387904",
    ]);
    const words: Value[] = ["b", "a", "B", "é", "😀", "ﬀ", "aa"];
    assert.deepEqual([...words].sort(compareValues), ["B", "a", "aa", "b", "é", "ﬀ", "😀"]);
  });
});
