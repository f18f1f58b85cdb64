// Supervisor trees: strategies, restart caps, stop (drained and forced),
// child output as events, spec parsing and the restart delay formula.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../../engine.ts";
import { Duration } from "../../vm/values.ts";
import { durationMs, parseRestartPolicy, restartDelayMs } from "./supervisor-spec.ts";

async function run(source: string): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "supervisor.harn", { output: (s) => out.push(s), errorOutput: () => {} });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("").trimEnd();
}

test("one_for_all restarts the siblings of a failed child", async () => {
  const out = await run(`
let a_starts = atomic(0)
let b_starts = atomic(0)
let sup = supervisor_start({
  strategy: "one_for_all",
  children: [
    {name: "a", restart: "on_failure", task: { _ctx ->
      atomic_add(a_starts, 1)
      if atomic_get(a_starts) == 1 {
        sleep(2)
        throw "a-boom"
      }
      "a-done"
    }},
    {name: "b", restart: {mode: "always", max_restarts: 1}, task: { ctx ->
      atomic_add(b_starts, 1)
      while !is_cancelled() { sleep(1) }
      ctx.attempt
    }},
  ],
})
while atomic_get(a_starts) < 2 || atomic_get(b_starts) < 2 { sleep(1) }
let stopped = supervisor_stop(sup, 1s)
println([atomic_get(a_starts), atomic_get(b_starts)])
println(stopped.status)
println(stopped.children.map({ c -> c.name + ":" + c.status }))
let kinds = supervisor_events(sup).filter({ e -> e.child == "b" }).map({ e -> e.kind })
println(kinds)
println(sup.id)
`);
  assert.equal(
    out,
    [
      "[2, 2]",
      "stopped",
      "[a:stopped, b:stopped]",
      "[child_started, child_stopped, child_restarted, child_started, child_restart_started, child_stopped]",
      "supervisor_1",
    ].join("\n"),
  );
});

test("a child that ignores cancellation is aborted when the stop times out", async () => {
  const out = await run(`
let sup = supervisor_start({id: "stubborn", children: [{task: { _ctx -> while true { sleep(1) } }}]})
sleep(2)
let state = supervisor_stop("stubborn", 10ms)
println(state.status)
println(state.children[0].name + " " + state.children[0].status)
let events = supervisor_events(sup)
println(events[len(events) - 1].message)
println(supervisor_metrics(sup))
`);
  assert.equal(
    out,
    [
      "stopped",
      "child_0 stopped",
      "forced",
      "{escalated: 0, failed: 0, restarted: 0, started: 1, stopped: 0, suppressed: 0}",
    ].join("\n"),
  );
});

test("child output becomes an event; escalation stops the supervisor", async () => {
  const out = await run(`
let sup = supervisor_start({
  name: "esc",
  strategy: "escalate",
  children: [{name: "loud", kind: "persona_loop", task: { _ctx ->
    println("from child")
    throw "fatal"
  }}],
})
while supervisor_state(sup).status == "running" { sleep(1) }
let state = supervisor_state(sup)
println([state.status, state.strategy, state.metrics.escalated, state.children[0].last_error])
let outputs = supervisor_events(sup).filter({ e -> e.kind == "child_output" })
println(outputs[0].message)
println(runtime_context().debug.supervisors.map({ s -> s.name }))
`);
  assert.equal(out, "[escalated, escalate_to_parent, 1, Thrown: fatal]\nfrom child\n\n[esc]");
});

test("restart caps without a window count restarts", async () => {
  const out = await run(`
let runs = atomic(0)
let sup = supervisor_start({children: [{
  name: "again",
  restart: {mode: "always", max_restarts: 2, window_ms: 0},
  task: { ctx -> atomic_add(runs, 1) },
}]})
while supervisor_state(sup).status == "running" { sleep(1) }
let c = supervisor_state(sup).children[0]
println([atomic_get(runs), c.status, c.restart_count, c.current_wait_reason])
println(supervisor_state(sup).status)
`);
  assert.equal(out, "[3, suppressed, 2, restart_cap_exceeded]\ncompleted");
});

test("spec errors", async () => {
  const out = await run(`
let child = {task: { _ -> 1 }}
println(try { supervisor_start({children: []}) })
println(try { supervisor_start({children: [{name: "x"}]}) })
println(try { supervisor_start({strategy: "sideways", children: [child]}) })
println(try { supervisor_start({children: [{task: { _ -> 1 }, restart: 3}]}) })
println(try { supervisor_start({children: [{task: { _ -> 1 }, restart: "sometimes"}]}) })
supervisor_start({id: "s", children: [child]})
println(try { supervisor_start({id: "s", children: [child]}) })
println(try { supervisor_state("nope") })
`);
  assert.equal(
    out,
    [
      "Result.Err(Runtime error: supervisor_start: children must include at least one child)",
      "Result.Err(Runtime error: supervisor_start: child 'x' requires a task closure)",
      "Result.Err(Runtime error: supervisor_start: unknown strategy 'sideways')",
      "Result.Err(Runtime error: supervisor_start: restart policy must be a string or dict, got int)",
      "Result.Err(Runtime error: supervisor_start: unknown restart mode 'sometimes')",
      "Result.Err(Runtime error: supervisor_start: supervisor 's' already exists)",
      "Result.Err(Runtime error: supervisor_state: unknown supervisor 'nope')",
    ].join("\n"),
  );
});

test("restart delay: exponential, capped, deterministic jitter", () => {
  const policy = { ...parseRestartPolicy(undefined), backoffMs: 10, maxBackoffMs: 40, jitterMs: 3 };
  assert.deepEqual(
    [0, 1, 2, 3].map((n) => restartDelayMs(policy, n, 0)),
    [13, 23, 43, 43],
  );
  assert.equal(restartDelayMs({ ...policy, backoffMs: 0 }, 4, 0), 3);
});

test("durations and policy aliases", () => {
  assert.equal(durationMs("250ms"), 250);
  assert.equal(durationMs("2s"), 2000);
  assert.equal(durationMs(" 3m "), 180_000);
  assert.equal(durationMs("1 h"), 3_600_000);
  assert.equal(durationMs("soon"), null);
  assert.equal(durationMs(new Duration(15)), 15);
  assert.equal(durationMs(-4), 0);
});
