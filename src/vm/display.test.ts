// Tables for `display()` (the one printing function), `typeName()`,
// `truthy()` and `formatDuration()` (spec: "Runtime values", "Truthiness").
// Values are built directly from the value classes, or, for closures, by
// running a tiny program, so each row shows exactly what a program prints.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runSource } from "../engine.ts";
import { display, formatDuration, truthy, typeName } from "./display.ts";
import {
  BytesValue,
  Dict,
  Duration,
  EnumValue,
  GeneratorValue,
  HandleValue,
  HFloat,
  HSet,
  IterValue,
  PairValue,
  RangeValue,
  StructValue,
  TypeValue,
  type Value,
} from "./values.ts";

const f = (v: number): HFloat => new HFloat(v);
const dict = (entries: Record<string, Value>): Dict => Dict.of(entries);

const point = new TypeValue({
  kind: "struct",
  name: "Point",
  fields: [
    { name: "y", optional: false },
    { name: "x", optional: false },
    { name: "label", optional: true },
  ],
});

/** The value a one-expression pipeline returns. */
async function evaluate(expression: string): Promise<Value> {
  const outcome = await runSource(`pipeline default() {\n  return ${expression}\n}\n`, "display-test.harn");
  assert.equal(outcome.kind, "ok", `could not evaluate ${expression}`);
  return outcome.kind === "ok" ? outcome.value : null;
}

describe("display", () => {
  const rows: [string, Value, string][] = [
    ["nil", null, "nil"],
    ["true", true, "true"],
    ["false", false, "false"],
    ["zero", 0, "0"],
    ["negative int", -42, "-42"],
    ["i64 max", 9223372036854775807n, "9223372036854775807"],
    ["i64 min", -9223372036854775808n, "-9223372036854775808"],
    ["integral float", f(10), "10.0"],
    ["negative zero", f(-0), "-0.0"],
    ["shortest digits", f(0.1 + 0.2), "0.30000000000000004"],
    ["no exponent, large", f(1e21), "1000000000000000000000"],
    ["no exponent, small", f(1e-7), "0.0000001"],
    ["fraction", f(-2.5), "-2.5"],
    ["NaN", f(Number.NaN), "NaN"],
    ["infinity", f(Number.POSITIVE_INFINITY), "inf"],
    ["negative infinity", f(Number.NEGATIVE_INFINITY), "-inf"],
    ["string is raw", 'say "hi"\n', 'say "hi"\n'],
    ["empty list", [], "[]"],
    ["nested list", [1, [2, [3]], "s", null], "[1, [2, [3]], s, nil]"],
    ["floats in a list", [f(1), f(1.5)], "[1.0, 1.5]"],
    ["empty dict", dict({}), "{}"],
    [
      "dict keys in byte order",
      dict({ b: 1, B: 2, a10: 3, a9: 4, é: 5 }),
      "{B: 2, a10: 3, a9: 4, b: 1, é: 5}",
    ],
    ["astral keys after BMP keys", dict({ "😀": 1, ﬀ: 2 }), "{ﬀ: 2, 😀: 1}"],
    ["nested dict and list", dict({ list: [dict({ k: "v" })], n: null }), "{list: [{k: v}], n: nil}"],
    ["set in insertion order", new HSet([3, 1, "x"]), "set(3, 1, x)"],
    ["pair", new PairValue(1, "one"), "(1, one)"],
    ["list of pairs", [new PairValue(1, 10), new PairValue(2, 20)], "[(1, 10), (2, 20)]"],
    ["enum without fields", new EnumValue("Color", "Red", []), "Color.Red"],
    ["enum with fields", new EnumValue("Result", "Ok", [42]), "Result.Ok(42)"],
    ["enum with several fields", new EnumValue("Shape", "Rect", [f(2), "x"]), "Shape.Rect(2.0, x)"],
    ["inclusive range", new RangeValue(1, 5, true), "1 to 5"],
    ["exclusive range", new RangeValue(0, 5, false), "0 to 5 exclusive"],
    ["milliseconds", new Duration(500), "500ms"],
    ["hours", new Duration(86_400_000), "24h"],
    ["bytes", new BytesValue(new Uint8Array([0, 15, 255])), 'b"000fff"'],
    ["long bytes", new BytesValue(new Uint8Array(34)), `b"${"00".repeat(32)}...+2"`],
    ["fresh iterator", new IterValue([][Symbol.iterator]()), "<iter>"],
    ["generator", new GeneratorValue(null, false), "<generator>"],
    ["stream", new GeneratorValue(null, true), "<stream>"],
    ["handle", new HandleValue("channel", () => "<channel:jobs>", null), "<channel:jobs>"],
  ];
  for (const [name, value, expected] of rows) {
    test(name, () => assert.equal(display(value), expected));
  }

  test("exhausted iterators and finished generators say so", () => {
    const it = new IterValue([][Symbol.iterator]());
    it.exhausted = true;
    assert.equal(display(it), "<iter (exhausted)>");
    const gen = new GeneratorValue(null, false);
    gen.done = true;
    assert.equal(display(gen), "<generator (done)>");
  });

  test("structs print their type and fields sorted, omitting unset optional fields", () => {
    const p = new StructValue(
      point,
      new Map<string, Value>([
        ["y", 5],
        ["x", 1],
      ]),
    );
    assert.equal(display(p), "Point {x: 1, y: 5}");
  });

  test("closures print their parameter list; builtins their name", async () => {
    assert.equal(display(await evaluate("{ a, b -> a }")), "<fn(a, b)>");
    assert.equal(display(await evaluate("fn() { 1 }")), "<fn()>");
    assert.equal(display(await evaluate("len")), "<builtin len>");
  });
});

describe("typeName", () => {
  const rows: [Value, string][] = [
    [null, "nil"],
    [true, "bool"],
    [1, "int"],
    [2n ** 62n, "int"],
    [f(1), "float"],
    ["", "string"],
    [[], "list"],
    [dict({}), "dict"],
    [new HSet([]), "set"],
    [new Duration(1), "duration"],
    [new EnumValue("E", "A", []), "enum"],
    [new StructValue(point, new Map()), "struct"],
    [new RangeValue(0, 1, true), "range"],
    [new PairValue(1, 2), "pair"],
    [new IterValue([][Symbol.iterator]()), "iter"],
    [new GeneratorValue(null, false), "generator"],
    [new GeneratorValue(null, true), "stream"],
    [new BytesValue(new Uint8Array()), "bytes"],
    [new HandleValue("task_handle", () => "<task:1>", null), "task_handle"],
  ];
  for (const [value, expected] of rows) {
    test(`${expected} (${display(value)})`, () => assert.equal(typeName(value), expected));
  }

  test("closures and builtins", async () => {
    assert.equal(typeName(await evaluate("{ x -> x }")), "closure");
    assert.equal(typeName(await evaluate("len")), "builtin");
  });
});

describe("truthy", () => {
  const falsy: Value[] = [
    null,
    false,
    0,
    f(0),
    f(-0),
    "",
    [],
    dict({}),
    new HSet([]),
    new Duration(0),
    new BytesValue(new Uint8Array()),
  ];
  const truthyValues: Value[] = [
    true,
    1,
    -1,
    2n ** 62n,
    f(0.5),
    f(Number.NaN),
    "0",
    " ",
    [null],
    [0],
    dict({ k: null }),
    new HSet([0]),
    new Duration(1),
    new PairValue(null, null),
    new EnumValue("E", "A", []),
    new RangeValue(0, 0, false),
  ];
  test("falsy values", () => {
    for (const v of falsy) assert.equal(truthy(v), false, `${typeName(v)} ${display(v)}`);
  });
  test("truthy values", () => {
    for (const v of truthyValues) assert.equal(truthy(v), true, `${typeName(v)} ${display(v)}`);
  });
});

describe("formatDuration", () => {
  const rows: [number, string][] = [
    [0, "0ms"],
    [999, "999ms"],
    [1000, "1s"],
    [1500, "1500ms"],
    [90_000, "90s"],
    [120_000, "2m"],
    [3_600_000, "1h"],
    [5_400_000, "90m"],
    [604_800_000, "168h"],
    [-5000, "-5s"],
  ];
  for (const [ms, expected] of rows) {
    test(`${ms}ms prints as ${expected}`, () => assert.equal(formatDuration(ms), expected));
  }
});
