// The `stream.*` operators over lists, channels and task streams.

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

test("operators over lists", async () => {
  assert.equal(
    await run(`
println(stream.collect(stream.scan([1, 2, 3], 0, { a, x -> a + x })))
println(stream.fold([1, 2], 10, { a, x -> a + x }))
println(stream.collect(stream.interleave([1, 3], [2, 4, 6])))
let b = stream.broadcast([1, 2], 2)
println(stream.collect(b[1]) + stream.collect(b[0]))
println(stream.collect(stream.debounce([1, 2, 3], 0)))
`),
    "[1, 3, 6]\n13\n[1, 2, 3, 4, 6]\n[1, 2, 1, 2]\n[3]",
  );
});

test("merge and race take whichever channel is ready", async () => {
  assert.equal(
    await run(`
let slow = channel("slow", 2)
let fast = channel("fast", 2)
spawn {
  sleep(20)
  send(slow, "slow")
  close_channel(slow)
}
send(fast, "fast")
close_channel(fast)
println(stream.collect(stream.merge(slow, fast)))
let a = channel("a", 1)
let b = channel("b", 1)
send(b, "b wins")
println(stream.first(stream.race(a, b)))
`),
    "[fast, slow]\nb wins",
  );
});

test("validation and the collect cap", async () => {
  assert.equal(
    await run(`stream.collect([1, 2, 3], {max: 2})`),
    "error: Runtime error: stream.collect: max cap 2 exceeded (line 1)",
  );
  assert.equal(
    await run(`stream.map([1], 2)`),
    "error: Type error: stream.map: argument 2 must be callable, got int (line 1)",
  );
  assert.equal(
    await run(`stream.zip([1])`),
    "error: Type error: stream.zip: expected 2 streams, got 1 (line 1)",
  );
  assert.equal(
    await run(`stream.throttle([1], 0)`),
    "error: Type error: stream.throttle: argument 2 must be a positive finite number (line 1)",
  );
});

test("throttle passes every item through", async () => {
  assert.equal(await run(`println(stream.collect(stream.throttle([1, 2, 3], 200)))`), "[1, 2, 3]");
});
