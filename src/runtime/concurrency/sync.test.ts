// Named synchronization primitives: FIFO hand-over, weighted permits,
// writer preference, timeouts, cancellation of waiters and metrics.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../../engine.ts";

async function run(source: string): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "sync.harn", { output: (s) => out.push(s), errorOutput: () => {} });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("").trimEnd();
}

test("a released mutex goes to its waiters in arrival order", async () => {
  const out = await run(`
let held = sync_mutex_acquire("m")
let order = channel("order", 10)
let a = spawn { let p = sync_mutex_acquire("m"); send(order, "a"); sync_release(p) }
sleep(2)
let b = spawn { let p = sync_mutex_acquire("m"); send(order, "b"); sync_release(p) }
sleep(2)
let c = spawn { let p = sync_mutex_acquire("m"); send(order, "c"); sync_release(p) }
sleep(2)
println(sync_metrics("mutex", "m").current_queue_depth)
sync_release(held)
await(a)
await(b)
await(c)
println([receive(order), receive(order), receive(order)])
let m = sync_metrics("mutex", "m")
println([m.acquisition_count, m.release_count, m.current_held, m.current_queue_depth, m.max_queue_depth])
`);
  assert.equal(out, "3\n[a, b, c]\n[4, 4, 0, 0, 3]");
});

test("a queued writer is not overtaken by later readers", async () => {
  const out = await run(`
let reader = sync_rwlock_acquire("doc", "read")
let writer = spawn {
  let w = sync_rwlock_acquire("doc", "write")
  println("writer")
  sync_release(w)
}
sleep(2)
println(sync_rwlock_acquire("doc", "read", 0) == nil)
sync_release(reader)
await(writer)
println(sync_rwlock_acquire("doc", "read", 0) != nil)
`);
  assert.equal(out, "true\nwriter\ntrue");
});

test("weighted semaphore permits and release results", async () => {
  const out = await run(`
let two = sync_semaphore_acquire("pool", 3, 2)
let one = sync_semaphore_acquire("pool", 3, 1, 0)
println(sync_semaphore_acquire("pool", 3, 1, 0) == nil)
println([sync_release(two), sync_release(two)])
println(sync_metrics("semaphore", "pool").current_held)
println(type_of(one))
println(one)
`);
  assert.equal(out, "true\n[true, false]\n1\nsync_permit\n<sync_permit:semaphore:pool>");
});

test("a wait that times out returns nil and leaves the queue", async () => {
  const out = await run(`
let held = sync_gate_acquire("g", 1)
println(sync_gate_acquire("g", 1, 5ms) == nil)
println(sync_gate_acquire("g", 1, {timeout_ms: 1}) == nil)
let m = sync_metrics("gate", "g")
println([m.timeout_count, m.current_queue_depth, m.max_queue_depth])
sync_release(held)
println(sync_gate_acquire("g", 1, 0) != nil)
`);
  assert.equal(out, "true\ntrue\n[2, 0, 1]\ntrue");
});

test("a cancelled waiter never takes the permit", async () => {
  const out = await run(`
let held = sync_mutex_acquire("m")
let waiter = spawn {
  let p = sync_mutex_acquire("m")
  println("waiter got it")
}
sleep(2)
cancel(waiter)
sleep(2)
sync_release(held)
println(sync_mutex_acquire("m", 0) != nil)
let m = sync_metrics("mutex", "m")
println([m.cancellation_count, m.current_queue_depth])
`);
  assert.equal(out, "true\n[1, 0]");
});

test("a graceful cancellation ends the wait with the cancellation error", async () => {
  const out = await run(`
let held = sync_semaphore_acquire("s", 1)
let waiter = spawn {
  try {
    sync_semaphore_acquire("s", 1)
    "acquired"
  } catch (e) {
    e
  }
}
sleep(2)
println(cancel_graceful(waiter, 1s))
println(sync_metrics("semaphore", "s").cancellation_count)
`);
  assert.equal(out, "Result.Ok(kind:cancelled:VM cancelled by host)\n1");
});

test("argument errors and metric listings", async () => {
  const out = await run(`
sync_semaphore_acquire("x", 2, 1, 0)
let a = try { sync_semaphore_acquire("x", 3) }
println(a)
println(try { sync_semaphore_acquire("y", 1, 2) })
println(try { sync_gate_acquire("z", 0) })
println(try { sync_rwlock_acquire("d", "append") })
println(try { sync_release("nope") })
sync_mutex_acquire()
println(sync_metrics("mutex").map({ m -> m.key }))
println(sync_metrics().map({ m -> m.kind + ":" + m.key }))
println(sync_metrics("gate", "missing"))
`);
  assert.equal(
    out,
    [
      "Result.Err(Runtime error: sync semaphore 'x' already exists with capacity 2, not 3)",
      "Result.Err(Runtime error: sync semaphore 'y' requested 2 permits from capacity 1)",
      "Result.Err(Runtime error: sync_gate_acquire: value must be positive)",
      "Result.Err(Runtime error: sync_rwlock_acquire: mode must be read or write)",
      "Result.Err(Runtime error: sync_release: first argument must be a sync permit)",
      "[__default__]",
      "[mutex:__default__, semaphore:x]",
      "nil",
    ].join("\n"),
  );
});

test("a permit handed to a task cancelled before it resumed is returned", async () => {
  const out = await run(`
let held = sync_mutex_acquire("m")
let waiter = spawn {
  sync_mutex_acquire("m")
  println("waiter resumed")
}
sleep(2)
sync_release(held)
cancel(waiter)
sleep(2)
println(sync_mutex_acquire("m", 0) != nil)
println(sync_metrics("mutex", "m").current_held)
`);
  assert.equal(out, "true\n1");
});
