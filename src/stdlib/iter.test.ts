// The lazy iterator protocol: laziness, single-pass fusing, exhaustion
// display, sinks, error texts and what a for loop can drive.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../engine.ts";

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

test("combinators do no work until a sink pulls", async () => {
  assert.deepEqual(
    await lines(`
var calls = 0
let it = iter([1, 2, 3, 4]).map({ x ->
  calls = calls + 1
  return x * 10
})
println(calls)
println(it.take(2).to_list())
println(calls)
println(it.to_list())
println(it)
`),
    ["0", "[10, 20]", "2", "[30, 40]", "<iter (exhausted)>"],
  );
});

test("take marks its iter exhausted after the last item", async () => {
  assert.deepEqual(await lines(`let t = iter([1, 2, 3]).take(1)\nprintln(t.first())\nprintln(t)`), [
    "1",
    "<iter (exhausted)>",
  ]);
});

test("sinks", async () => {
  assert.deepEqual(
    await lines(`
println(iter([1, 2.5]).sum())
println(iter("héllo").count())
println(iter({b: 2, a: 1}).to_list())
println(iter([pair("k", 1)]).to_dict())
println(iter([2, 2, 3]).to_set())
println(iter([1, 2, 3]).reduce(10, { a, x -> a + x }))
println(iter([1, 2, 3]).chain(set(4)).windows(2).to_list())
println(iter([1, 2, 3]).zip("ab").to_list())
println(iter([[1, 2], [3]]).flat_map({ x -> x }).enumerate().to_list())
println(iter([1, 5, 2]).skip_while({ x -> x < 5 }).take_while({ x -> x > 1 }).to_list())
`),
    [
      "3.5",
      "5",
      "[(a, 1), (b, 2)]",
      "{k: 1}",
      "set(2, 3)",
      "16",
      "[[1, 2], [2, 3], [3, 4]]",
      "[(1, a), (2, b)]",
      "[(0, 1), (1, 2), (2, 3)]",
      "[5, 2]",
    ],
  );
});

test("argument validation uses the reference's texts", async () => {
  assert.equal(
    await run(`iter([1]).take(-1)`),
    "error: Type error: iter.take: expected non-negative int (line 1)",
  );
  assert.equal(await run(`iter([1]).map(1)`), "error: Type error: iter.map: expected callable (line 1)");
  assert.equal(
    await run(`iter([1]).chunks(0)`),
    "error: Type error: iter.chunks: chunk size must be positive (line 1)",
  );
  assert.equal(await run(`iter(5)`), "error: Type error: iter: value of type int is not iterable (line 1)");
  assert.equal(
    await run(`iter([1]).sum()\niter(["a"]).sum()`),
    "error: Type error: iter.sum: expected number, got string (line 2)",
  );
  assert.equal(
    await run(`iter([1]).to_dict()`),
    "error: Type error: iter.to_dict: expected pair, got int (line 1)",
  );
  assert.equal(await run(`pair(1)`), "error: Type error: pair: expected 2 arguments, got 1 (line 1)");
});

test("a for loop drives iters without callbacks, including destructured pairs", async () => {
  assert.deepEqual(
    await lines(`
for (i, x) in iter(["a", "b"]).enumerate().skip(1) {
  println("\${i}=\${x}")
}
for (k, v) in {z: 1}.iter() {
  println(k + to_string(v))
}
`),
    ["1=b", "z1"],
  );
});

test("an error in a callback propagates out of the sink", async () => {
  assert.equal(
    await run(`
let r = try {
  iter([1, 2]).map({ x -> throw "boom" }).to_list()
} catch (e) {
  "caught " + e
}
println(r)
`),
    "caught boom",
  );
});

test("channels can be lifted into iters", async () => {
  assert.equal(
    await run(`
let ch = channel("c", 4)
spawn {
  send(ch, 1)
  sleep(5ms)
  send(ch, 2)
  close_channel(ch)
}
println(iter(ch).map({ x -> x + 1 }).to_list())
`),
    "[2, 3]",
  );
});
