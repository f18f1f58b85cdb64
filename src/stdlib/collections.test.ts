// Behaviour of the list, dict, set, range and string methods and their
// free-function forms, checked by running small Harn programs.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../engine.ts";

/** Runs a script and returns what it printed, plus `error: ...` if it failed. */
async function run(source: string): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "snippet.harn", { output: (s) => out.push(s), errorOutput: () => {} });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("").trimEnd();
}

async function lines(source: string): Promise<string[]> {
  return (await run(source)).split("\n");
}

test("list methods return new lists and leave the receiver alone", async () => {
  assert.deepEqual(
    await lines(`
let xs = [3, 1, 2]
println(xs.sort())
println(xs.push(9))
println(xs)
println(xs.sort_by({ x -> -x }))
println([1, [2, 3], 4].flatten())
println([1, nil, 2].compact())
println(xs.slice(-2))
println([1, 2, 3, 4].window(2))
println([1, 2, 3, 4, 5].chunk(2))
println(["a", "b", "a"].tally())
println([1, 2, 3, 4].partition({ x -> x > 2 }))
println([1.5, 2].sum())
println(xs.first(2))
println(xs.last(5))
`),
    [
      "[1, 2, 3]",
      "[3, 1, 2, 9]",
      "[3, 1, 2]",
      "[3, 2, 1]",
      "[1, 2, 3, 4]",
      "[1, 2]",
      "[1, 2]",
      "[[1, 2], [2, 3], [3, 4]]",
      "[[1, 2], [3, 4], [5]]",
      "{a: 2, b: 1}",
      "[[3, 4], [1, 2]]",
      "3.5",
      "[3, 1]",
      "[3, 1, 2]",
    ],
  );
});

test("list callbacks: missing callbacks answer nil or the neutral result", async () => {
  assert.deepEqual(await lines(`println([1].map(3))\nprintln([1].all(nil))\nprintln([1].any(nil))`), [
    "nil",
    "true",
    "false",
  ]);
  assert.deepEqual(
    await lines(
      `println([3, 1, 2].min_by({ x -> x }))\nprintln([].max_by({ x -> x }))\nprintln([1, 2].find_index({ x -> x == 2 }))`,
    ),
    ["1", "nil", "1"],
  );
});

test("dict methods", async () => {
  assert.deepEqual(
    await lines(`
let d = {b: 2, a: 1}
println(d.keys())
println(d.merge({c: 3}))
println(d.map_values({ v -> v * 10 }))
println(d.rekey({ k -> k + k }))
println(d.filter({ v -> v > 1 }))
println(d.remove("a"))
println(d.get("z", "dflt"))
println(d.has("a"))
println(entries(d))
`),
    [
      "[a, b]",
      "{a: 1, b: 2, c: 3}",
      "{a: 10, b: 20}",
      "{aa: 1, bb: 2}",
      "{b: 2}",
      "{b: 2}",
      "dflt",
      "true",
      "[{key: a, value: 1}, {key: b, value: 2}]",
    ],
  );
});

test("sets: methods use equality, free functions the structural key", async () => {
  assert.deepEqual(
    await lines(`
let s = set(1, 2, [3, 2])
println(s)
println(s.add(2).add(4))
println(s.union(set(9)).intersect(set(1, 9)))
println(set(1, 2).symmetric_difference(set(2, 3)))
println(set_union(set(1), set(1.0)))
println(set(1).contains(1.0))
println(set_contains(set(1), 1.0))
println(set(1, 2).map({ x -> x % 2 }))
`),
    [
      "set(1, 2, 3)",
      "set(1, 2, 3, 4)",
      "set(1, 9)",
      "set(1, 3)",
      "set(1, 1.0)",
      "true",
      "false",
      "set(1, 0)",
    ],
  );
  assert.equal(await run(`set_add([1], 2)`), "error: Thrown: set_add: first argument must be a set");
});

test("ranges are lazy and lift into iters", async () => {
  assert.deepEqual(
    await lines(`
let r = 1 to 1000000
println(r.len())
println(r.contains(5))
println((0 to 5 exclusive).last())
println((1 to 4).map({ x -> x * 2 }).to_list())
println(range(5).sum())
println((5 to 1).first())
`),
    ["1000000", "true", "4", "[2, 4, 6, 8]", "10", "nil"],
  );
  assert.equal(await run(`range(1.5)`), "error: Type error: range(n): expected integer argument (line 1)");
});

test("string methods count code points", async () => {
  assert.deepEqual(
    await lines(`
let s = "héllo 🎉 world"
println(s.len())
println(s.index_of("world"))
println(s.substring(6, 7))
println(s.char_at(6))
println("a-b".split("-"))
println("x".pad_left(3, "0"))
println("ab".repeat(2))
println(" x ".trim_start() + "|")
println("a\\nb\\n".lines())
println("hello".replace("l", "L"))
`),
    ["13", "8", "🎉", "🎉", "[a, b]", "00x", "abab", "x |", "[a, b]", "heLLo"],
  );
});

test("string free functions", async () => {
  assert.deepEqual(
    await lines(`
println(split("a b"))
println(substring("hello world", 6, 3))
println(join([1, 2], "+"))
println(snake_to_camel("foo_bar_baz"))
println(camel_to_snake("HTTPServerError"))
println(kebab_to_snake("a-b"))
println(str_pad("é", 4, "*", "both"))
println(len(unicode_graphemes("e\u0301x")))
println(format("{} and {}", "a", "b"))
`),
    ["[a, b]", "wor", "1+2", "fooBarBaz", "http_server_error", "a_b", "*é**", "2", "a and b"],
  );
  assert.equal(
    await run(`str_pad("a", 3, " ", "middle")`),
    "error: Runtime error: str_pad: side must be left, right, or both (line 1)",
  );
});

test("collection free functions validate their arguments", async () => {
  assert.deepEqual(
    await lines(`
println(group_by([1, 2, 3], { x -> x % 2 }))
println(partition([1, 2, 3], { x -> x > 1 }))
println(dedup_by(["a", "B", "b"], { x -> x.lower() }))
println(flat_map([1, 2], { x -> [x, x] }))
println(window([1, 2, 3], 2))
`),
    ["{0: [2], 1: [1, 3]}", "{match: [2, 3], no_match: [1]}", "[a, B]", "[1, 1, 2, 2]", "[[1, 2], [2, 3]]"],
  );
  assert.equal(
    await run(`chunk("abc", 2)`),
    "error: Type error: chunk: first argument must be a list, got string (line 1)",
  );
  assert.equal(
    await run(`group_by([1], 5)`),
    "error: Type error: group_by: callback must be callable, got int (line 1)",
  );
});
