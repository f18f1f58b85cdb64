// The compiling tier: what it compiles, and that compiled code keeps the
// VM's guarantees (bounded JS stack, deadlines and fairness, error
// locations) — behaviour the fixture suite alone would not pin down.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { FnProto } from "../../bytecode/proto.ts";
import { compileSource, createVm, knownNamesOf, runSource, uncaughtMessage } from "../../engine.ts";
import type { LinkedProto } from "../link.ts";
import { analyze } from "./analyze.ts";
import type { JitMode } from "./tier.ts";

async function run(source: string, jit: JitMode): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "tier.harn", { output: (s) => out.push(s), errorOutput: () => {}, jit });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("");
}

function protoNamed(main: FnProto, name: string): FnProto {
  const stack = [main];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (p.name === name) return p;
    stack.push(...p.protos);
  }
  throw new Error(`no function ${name}`);
}

test("analysis gives the operand depth before each instruction and refuses generators", () => {
  const out = compileSource("fn f(a, b) { return a + b * 2 }\n", "a.harn", true);
  const f = protoNamed(out.module!.main, "f");
  const analysis = analyze(f)!;
  assert.equal(analysis.depth[0], 0);
  assert.ok(analysis.maxDepth >= 2);
  assert.ok(analysis.entries.has(0));
  const gen = compileSource("gen fn g() { yield 1 }\n", "g.harn", true);
  assert.equal(analyze(protoNamed(gen.module!.main, "g")), null);
});

test("hot functions and hot loops get compiled when the tier is on", async () => {
  const source =
    "fn inc(x) { return x + 1 }\nvar n = 0\nvar i = 0\nwhile i < 500 { n = inc(n)\n i = i + 1 }\nprintln(n)\n";
  const vm = createVm({ output: () => {}, jit: "on" });
  const compiled = compileSource(source, "hot.harn", false, undefined, knownNamesOf(vm));
  await vm.run(compiled.module!);
  const linkedOf = (p: FnProto) => p.runtime as LinkedProto;
  assert.equal(typeof linkedOf(protoNamed(compiled.module!.main, "inc")).jit, "function");
  assert.equal(
    typeof linkedOf(compiled.module!.main).jit,
    "function",
    "the loop in main moved to compiled code",
  );
});

test("deep recursion in compiled code does not grow the JS stack without bound", async () => {
  const source = "fn depth(n) { if n == 0 { return 0 }\n return 1 + depth(n - 1) }\nprintln(depth(20000))\n";
  assert.equal(await run(source, "eager"), "20000\n");
  const tail =
    "fn count(n, acc) { if n == 0 { return acc }\n return count(n - 1, acc + 1) }\nprintln(count(200000, 0))\n";
  assert.equal(await run(tail, "eager"), "200000\n");
});

test("a deadline interrupts a compiled busy loop", async () => {
  const source = `
let r = try {
  deadline 30ms {
    var i = 0
    while true { i = i + 1 }
  }
}
println(is_err(r))
println(unwrap_err(r))
`;
  const compiled = await run(source, "eager");
  assert.match(compiled, /^true\n.*Deadline exceeded\n$/);
  assert.equal(compiled, await run(source, "off"));
});

test("a compiled busy loop yields so other tasks run", async () => {
  // The spinner only stops once the other task has run: without preemption it would spin to its cap.
  const source = `
let flag = atomic(0)
let spinner = spawn {
  var i = 0
  while atomic_get(flag) == 0 && i < 100000000 { i = i + 1 }
  if atomic_get(flag) == 1 { "saw the other task" } else { "starved" }
}
let setter = spawn { atomic_set(flag, 1) }
await(setter)
println(await(spinner))
`;
  assert.equal(await run(source, "eager"), "saw the other task\n");
});

test("errors raised in compiled code carry the same location as in the interpreter", async () => {
  const source = 'fn f(x) {\n  let y = x + 1\n  return y + "s" - 2\n}\nprintln(f(1))\n';
  const interpreted = await run(source, "off");
  assert.match(interpreted, /line 3/);
  assert.equal(await run(source, "eager"), interpreted);
  const caught = "fn g(d) { return d.missing.deeper }\nlet r = try { g({a: 1}) }\nprintln(r)\n";
  assert.equal(await run(caught, "eager"), await run(caught, "off"));
});

test("calls from compiled code reach builtins, methods, closures and generators alike", async () => {
  const source = `
fn twice(f, x) { return f(f(x)) }
fn* nums() { yield 1
 yield 2 }
var acc = []
for n in nums() { acc = acc + [twice({ v -> v * 3 }, n)] }
println(acc)
println([3, 1, 2].sort().map({ x -> x + 1 }).contains(4))
let g = nums()
println(g.next())
println(len("héllo"))
`;
  assert.equal(await run(source, "eager"), await run(source, "off"));
});
