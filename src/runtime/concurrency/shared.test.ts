// Scoped shared cells and maps, scope resolution and handle errors.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../../engine.ts";

async function run(source: string): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "shared.harn", { output: (s) => out.push(s), errorOutput: () => {} });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("").trimEnd();
}

test("cells: snapshots, versioned CAS and counters", async () => {
  const out = await run(`
let c = shared_cell({key: "n", initial: 1})
println(c)
let snap = shared_snapshot(c)
println(snap)
println(shared_set(c, 1))
println(shared_cas(c, snap, 2))
println(shared_cas(c, 1, 2))
println(shared_get(c))
println(shared_metrics(c))
println(shared_get(shared_cell("n", 50)))
`);
  assert.equal(
    out,
    [
      "{_type: shared_cell, key: n, scope: task_group:task_root}",
      "{_type: shared_snapshot, value: 1, version: 0}",
      "1",
      "false",
      "true",
      "2",
      "{cas_failure_count: 1, cas_success_count: 1, read_count: 2, stale_read_count: 1, version: 2, write_count: 2}",
      "2",
    ].join("\n"),
  );
});

test("a bare name reaches the cell its group opened", async () => {
  const out = await run(`
shared_cell({key: "hits", initial: 0})
let t = spawn { shared_set("hits", 7) }
await(t)
println(shared_get("hits"))
`);
  assert.equal(out, "7");
});

test("maps: get with default, delete, CAS to nil removes the key", async () => {
  const out = await run(`
let m = shared_map("memo", {a: 1, b: 2})
println(shared_map_get(m, "zz", "dflt"))
println(shared_map_delete(m, "a"))
println(shared_map_delete(m, "a"))
println(shared_map_cas(m, "b", 2, nil))
println(shared_map_set(m, 3, "three"))
println(shared_map_entries(m))
println(shared_metrics(m).version)
`);
  assert.equal(out, "dflt\n1\nnil\ntrue\nnil\n{3: three}\n3");
});

test("scope ids per scope kind", async () => {
  const out = await run(`
println(shared_scope_id())
println(shared_scope_id("task"))
println(shared_scope_id("process"))
println(shared_scope_id("tenant", {tenant_id: "acme"}))
println(shared_scope_id("my-scope"))
let group = parallel 1 { _ -> shared_scope_id("task_group") }
println(group[0])
println(try { shared_scope_id("tenant") })
println(try { shared_scope_id("durable") })
`);
  assert.equal(
    out,
    [
      "task_group:task_root",
      "task:task_root",
      "process:process",
      "tenant:acme",
      "my-scope:my-scope",
      "task_group:task_root:parallel:1",
      "Result.Err(Runtime error: shared_scope_id: tenant scope requires tenant_id in options or runtime context)",
      "Result.Err(Runtime error: shared_scope_id: durable shared state is explicit; use store_* or agent_state_* APIs)",
    ].join("\n"),
  );
});

test("handle errors and the metrics listing", async () => {
  const out = await run(`
let c = shared_cell("c")
let m = shared_map({scope: "process", key: "m"})
println(try { shared_get(m) })
println(try { shared_cas(c, 1) })
println(try { shared_cell({}) })
println(try { shared_get({_type: "shared_cell", key: "k"}) })
println(shared_metrics().map({ r -> r._type + "@" + r.scope + "/" + r.key }))
`);
  assert.equal(
    out,
    [
      "Result.Err(Runtime error: shared_get: expected shared_cell handle)",
      "Result.Err(Runtime error: shared_cas: requires handle, expected, and new value)",
      "Result.Err(Runtime error: shared_cell: key/name is required)",
      "Result.Err(Runtime error: shared_get: shared_cell handle missing scope)",
      "[shared_cell@task_group:task_root/c, shared_map@process:process/m]",
    ].join("\n"),
  );
});
