// Interpreter behaviour that fixtures cannot show: Harn calls live on heap
// frames (a 100000-deep non-tail recursion runs, and the frame cap raises a
// Harn error instead of a JS RangeError), tail calls run in constant frames,
// a builtin that returns a Promise parks the task and resumes it with the
// settled value or error (also from inside a native callback), and a busy
// loop hands control back to the event loop. The VM is built with only the
// language intrinsics plus test builtins, so these tests do not depend on
// the standard library.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileModule } from "../compiler/compile-module.ts";
import { TaskContext } from "../runtime/task-context.ts";
import { parse } from "../syntax/parser.ts";
import { display } from "./display.ts";
import { ErrorKind } from "./errors.ts";
import { registerIntrinsics } from "./intrinsics.ts";
import { CallRequest, NativeCall, type Value } from "./values.ts";
import { type RunResult, Vm } from "./vm.ts";

interface TestVm {
  readonly vm: Vm;
  /** What `say(x)` recorded, plus anything the test pushes itself. */
  readonly events: string[];
}

/** A VM with the intrinsics and a few test builtins. */
function testVm(maxFrames?: number): TestVm {
  const events: string[] = [];
  const vm = new Vm({ rootContext: new TaskContext(), ...(maxFrames !== undefined && { maxFrames }) });
  registerIntrinsics(vm);
  vm.registerBuiltin("say", (args) => {
    events.push(display(args[0] ?? null));
    return null;
  });
  // Resolves with its argument after a real timer.
  vm.registerBuiltin(
    "later",
    (args) => new Promise<Value>((resolve) => setTimeout(() => resolve(args[0] ?? null), 5)),
  );
  vm.registerBuiltin("fail_later", () => Promise.reject(new Error("host broke")));
  // Calls `f` on each element from native code, collecting the results.
  vm.registerBuiltin("each", (args) => {
    const [list, f] = args as [Value[], Value];
    function* drive(): Generator<CallRequest, Value, Value> {
      const out: Value[] = [];
      for (const x of list) out.push(yield new CallRequest(f, [x]));
      return out;
    }
    return new NativeCall(drive());
  });
  return { vm, events };
}

async function run(vm: Vm, source: string): Promise<RunResult> {
  const parsed = parse(source);
  assert.deepEqual(
    parsed.diagnostics.map((d) => d.message),
    [],
  );
  const compiled = compileModule(parsed.program, "interpreter-test.harn");
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  return vm.run(compiled.module);
}

/** Runs a program whose entry pipeline returns a value; fails on error. */
async function value(vm: Vm, source: string): Promise<Value> {
  const result = await run(vm, source);
  assert.equal(result.error, null, result.error?.display(display));
  return result.value;
}

const DEPTH = `
fn depth(n) {
  if n == 0 {
    return 0
  }
  return 1 + depth(n - 1)
}
`;

describe("frames live on the heap", () => {
  test("a 100000-deep non-tail recursion completes", async () => {
    const { vm } = testVm(250_000);
    assert.equal(await value(vm, `${DEPTH}\npipeline default() {\n  return depth(100000)\n}\n`), 100000);
  });

  test("the default frame cap admits just under 100000 nested calls", async () => {
    const { vm } = testVm();
    assert.equal(await value(vm, `${DEPTH}\npipeline default() {\n  return depth(99990)\n}\n`), 99990);
  });

  test("recursion through a native callback does not grow the JS stack either", async () => {
    const { vm } = testVm(250_000);
    const source = `
fn down(n) {
  if n == 0 {
    return 0
  }
  return each([n - 1], { k -> down(k) })[0] + 1
}
pipeline default() {
  return down(30000)
}
`;
    assert.equal(await value(vm, source), 30000);
  });

  test("running out of frames is a Harn error, not a JS RangeError", async () => {
    const { vm } = testVm(1000);
    const result = await run(vm, "fn forever(n) {\n  return 1 + forever(n + 1)\n}\nforever(0)\n");
    assert.ok(result.error);
    assert.equal(result.error.kind, ErrorKind.StackOverflow);
    assert.equal(result.error.display(display), "Stack overflow: too many nested calls");
  });

  test("tail calls run in constant frames", async () => {
    const { vm } = testVm(50);
    const source = `
fn count(n, acc) {
  if n == 0 {
    return acc
  }
  return count(n - 1, acc + 1)
}
pipeline default() {
  return count(100000, 0)
}
`;
    assert.equal(await value(vm, source), 100000);
  });
});

describe("builtins that return a Promise", () => {
  test("the task parks, the event loop runs, and the task resumes with the value", async () => {
    const { vm, events } = testVm();
    const done = run(vm, 'say("before")\nlet v = later(41)\nsay(v + 1)\n');
    // The program ran synchronously up to its first park.
    assert.deepEqual(events, ["before"]);
    setTimeout(() => events.push("timer"), 0);
    const result = await done;
    assert.equal(result.error, null);
    assert.deepEqual(events, ["before", "timer", "42"]);
  });

  test("consecutive parks resume in program order", async () => {
    const { vm } = testVm();
    const got = await value(vm, "pipeline default() {\n  return [later(1), later(2), later(3)]\n}\n");
    assert.deepEqual(got, [1, 2, 3]);
  });

  test("a rejected Promise becomes a Harn error that try/catch sees", async () => {
    const { vm, events } = testVm();
    const result = await run(vm, 'try {\n  fail_later()\n} catch (e) {\n  say("caught: " + e)\n}\n');
    assert.equal(result.error, null);
    assert.deepEqual(events, ["caught: Runtime error: host broke"]);
  });

  test("an uncaught rejection ends the run with that error", async () => {
    const { vm } = testVm();
    const result = await run(vm, "fail_later()\n");
    assert.equal(result.error?.display(display), "Runtime error: host broke");
  });

  test("a closure called from native code can park", async () => {
    const { vm } = testVm();
    const got = await value(
      vm,
      "pipeline default() {\n  return each([1, 2, 3], { x -> later(x * 10) + 1 })\n}\n",
    );
    assert.deepEqual(got, [11, 21, 31]);
  });
});

describe("fairness", () => {
  test("a busy loop yields to the event loop, so a timer can cancel it", { timeout: 5000 }, async () => {
    const { vm, events } = testVm();
    setTimeout(() => {
      events.push("cancel");
      vm.cancelAll();
    }, 10);
    const result = await run(vm, 'say("spinning")\nwhile true {\n}\n');
    assert.deepEqual(events, ["spinning", "cancel"]);
    assert.equal(result.error?.display(display), "Error [cancelled]: task cancelled");
  });

  test("a cancelled parked task wakes with the cancellation error", { timeout: 5000 }, async () => {
    const { vm } = testVm();
    vm.registerBuiltin("never", () => new Promise<Value>(() => {}));
    setTimeout(() => vm.cancelAll(), 5);
    const result = await run(vm, "never()\n");
    assert.equal(result.error?.display(display), "Error [cancelled]: task cancelled");
  });
});
