// Ambient-scope isolation between concurrent tasks (DESIGN §4): a task's
// policies, runtime-context values, execution context and agent session
// are its own; siblings that interleave at suspension points never see
// each other's state, and nothing a child does leaks to its parent —
// whether the child returns, throws or is cancelled.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf } from "../src/engine.ts";
import { contextOf, push, top } from "../src/runtime/task-context.ts";
import type { Closure, Value } from "../src/vm/values.ts";
import type { Vm } from "../src/vm/vm.ts";
import { display } from "../src/vm/display.ts";

/** Test-only builtins that set and read slots the language has no syntax for yet. */
function installProbes(vm: Vm): void {
  vm.registerBuiltin("set_cwd", (args, ctx) => {
    const cwd = String(args[0]);
    ctx.task.ctx = contextOf(ctx.task).with({
      executionContext: { cwd, env: new Map([["WHO", cwd]]), sourceDir: "/", pathScopeRoot: null },
    });
    return null;
  });
  vm.registerBuiltin("get_cwd", (_a, ctx) => {
    const ec = contextOf(ctx.task).slots.executionContext;
    return ec === null ? null : `${ec.cwd}|${ec.env.get("WHO")}`;
  });
  vm.registerBuiltin("enter_session", (args, ctx) => {
    const slots = contextOf(ctx.task).slots;
    ctx.task.ctx = contextOf(ctx.task).with({ agentSessions: push(slots.agentSessions, String(args[0])) });
    return null;
  });
  vm.registerBuiltin("current_session", (_a, ctx) => top(contextOf(ctx.task).slots.agentSessions) ?? null);
  // A spawned worker: the same Harn closure, run with the worker inheritance set.
  vm.registerBuiltin("run_as_worker", (args, ctx) => {
    const fn = args[0] as Closure;
    const worker = vm.createTask(fn, [], ctx.task.ctx.forSpawnedWorker(), "worker", ctx.task);
    worker.output = [];
    vm.scheduler.enqueue(worker);
    return new Promise<Value>((resolve, reject) =>
      worker.onDone.push((t) => (t.error ? reject(t.error) : resolve(t.result))),
    );
  });
}

async function run(source: string): Promise<string> {
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s) });
  installProbes(vm);
  const compiled = compileSource(source, "isolation.harn", false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  const result = await vm.run(compiled.module);
  if (result.error) throw new Error(result.error.display(display));
  return out.join("");
}

test("parallel bodies each see only their own execution policy across yields", async () => {
  const out = await run(`
    with_execution_policy({tools: ["a", "b", "c"]}, fn() {
      let seen = parallel each ["a", "b"] { t ->
        with_execution_policy({tools: [t]}, fn() {
          sleep(0)
          let first = current_policy().tools
          sleep(1)
          [first, current_policy().tools]
        })
      }
      println(seen)
      println(current_policy().tools)
    })
    println(current_policy())
  `);
  assert.equal(out, "[[[a], [a]], [[b], [b]]]\n[a, b, c]\nnil\n");
});

test("runtime-context values are per task and snapshot at spawn", async () => {
  const out = await run(`
    runtime_context_set("k", "parent")
    let got = parallel 2 { i ->
      let before = runtime_context_get("k")
      runtime_context_set("k", "child" + to_string(i))
      sleep(0)
      [before, runtime_context_get("k")]
    }
    println(got)
    println(runtime_context_get("k"))
  `);
  assert.equal(out, "[[parent, child0], [parent, child1]]\nparent\n");
});

test("a child's policy is gone when it throws or is cancelled", async () => {
  const out = await run(`
    let settled = parallel settle [1, 2] { n ->
      with_execution_policy({tools: ["only" + to_string(n)]}, fn() {
        sleep(0)
        throw "fail " + to_string(n)
      })
    }
    println(settled.failed)
    println(current_policy())
    let h = spawn {
      with_execution_policy({tools: ["x"]}, fn() { sleep(10000) })
    }
    sleep(1)
    cancel(h)
    println(current_policy())
  `);
  assert.equal(out, "2\nnil\nnil\n");
});

test("execution context (cwd and env) is isolated between interleaved tasks", async () => {
  const out = await run(`
    set_cwd("/parent")
    let seen = parallel each ["/one", "/two"] { dir ->
      set_cwd(dir)
      sleep(0)
      get_cwd()
    }
    println(seen)
    println(get_cwd())
  `);
  assert.equal(out, "[/one|/one, /two|/two]\n/parent|/parent\n");
});

test("an inline subtask sees its worker's session; a spawned worker starts with none", async () => {
  const out = await run(`
    enter_session("parent-session")
    let worker_view = run_as_worker(fn() {
      let at_start = current_session()
      enter_session("worker-session")
      let inline = parallel 1 { i -> current_session() }
      [at_start, inline[0]]
    })
    println(worker_view)
    println(current_session())
  `);
  assert.equal(out, "[nil, worker-session]\nparent-session\n");
});

test("1000 interleaved tasks with seeded random yields never observe another task's state", async () => {
  const out = await run(`
    fn step(x) { return (x * 1103515245 + 12345) % 2147483648 }
    let mismatches = parallel each 0 to 999 { id ->
      var seed = step(id + 7)
      var bad = 0
      let mine = "task" + to_string(id)
      runtime_context_set("owner", mine)
      set_cwd("/" + mine)
      with_execution_policy({tools: [mine]}, fn() {
        var round = 0
        var wrong = 0
        while round < 5 {
          seed = step(seed)
          sleep(seed % 3)
          if runtime_context_get("owner") != mine { wrong = wrong + 1 }
          if get_cwd() != "/" + mine + "|/" + mine { wrong = wrong + 1 }
          if current_policy().tools != [mine] { wrong = wrong + 1 }
          round = round + 1
        }
        wrong
      })
    }
    var total = 0
    for m in mismatches { total = total + m }
    println(len(mismatches))
    println(total)
    println(runtime_context_get("owner"))
  `);
  assert.equal(out, "1000\n0\nnil\n");
});
