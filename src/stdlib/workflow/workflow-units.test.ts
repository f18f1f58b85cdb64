// Unit tests of the workflow runtime's pure parts: map join scheduling,
// context chunking, action-graph normalization and graph validation.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict } from "../../vm/values.ts";
import { actionBatches, normalizeActionGraph, toolClass } from "./action-graph.ts";
import { chunkId, chunkText } from "./assemble.ts";
import { normalizeWorkflow } from "./graph.ts";
import { completionTarget, runJoined } from "./map-branches.ts";
import { validateWorkflow } from "./validate.ts";

test("join targets: all, first, quorum clamped to the item count", () => {
  assert.equal(completionTarget("all", 3, null), 3);
  assert.equal(completionTarget("first", 3, null), 1);
  assert.equal(completionTarget("first", 0, null), 0);
  assert.equal(completionTarget("quorum", 3, 2), 2);
  assert.equal(completionTarget("quorum", 3, 9), 3);
  assert.equal(completionTarget("quorum", 3, null), 1);
});

test("runJoined respects the concurrency limit and cancels what the target no longer needs", async () => {
  let running = 0;
  let peak = 0;
  const aborted: number[] = [];
  const started: number[] = [];
  const tasks = [0, 1, 2, 3, 4].map((i) => async (signal: AbortSignal) => {
    started.push(i);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5 * (i + 1)));
    running--;
    if (signal.aborted) aborted.push(i);
    return i;
  });
  const results = await runJoined(tasks, 2, 2);
  assert.deepEqual(
    results.map((r) => ("ok" in r ? r.ok : -1)),
    [0, 1],
  );
  assert.equal(peak, 2);
  assert.ok(!started.includes(4), "queued branches never start once the target is met");
});

test("runJoined reports failures as outcomes", async () => {
  const results = await runJoined([async () => 1, async () => Promise.reject(new Error("boom"))], 2, null);
  assert.equal(results.length, 2);
  assert.ok(results.some((r) => "error" in r));
});

test("chunkText splits at paragraphs first and keeps every character", () => {
  const text = "one one one\n\ntwo two two\n\nthree three three";
  const chunks = chunkText(text, 5);
  assert.deepEqual(chunks, ["one one one", "two two two", "three three three"]);
  assert.deepEqual(chunkText("short", 100), ["short"]);
  const long = "x".repeat(30);
  assert.equal(chunkText(long, 2).join(""), long);
  assert.equal(chunkId("a", "text"), chunkId("a", "text"));
  assert.notEqual(chunkId("a", "text"), chunkId("a", "other"));
});

test("tool classes group tool families", () => {
  assert.equal(toolClass(["read", "grep"], null), "read");
  assert.equal(toolClass(["edit"], null), "write");
  assert.equal(toolClass(["run"], null), "exec");
  assert.equal(toolClass(["read", "edit"], null), "mixed");
  assert.equal(toolClass(["deploy"], null), "generic");
  assert.equal(toolClass([], "research"), "read");
  assert.equal(toolClass(["edit"], "verify"), "verify");
});

test("action graphs resolve dependencies by id, title and position", () => {
  const graph = normalizeActionGraph(
    [
      Dict.of({ id: "scan", title: "Research the API", tools: ["read"] }),
      Dict.of({ title: "Implement the client", tools: ["edit"] }),
      Dict.of({ title: "Check it", depends_on: ["implement the client", 1] }),
    ],
    null,
  );
  const actions = graph.get("actions") as Dict[];
  assert.deepEqual(
    actions.map((a) => [a.get("phase"), a.get("depends_on")]),
    [
      ["research", []],
      ["execute", ["action-1"]],
      ["verify", ["action-2", "action-1"]],
    ],
  );
  const batches = actionBatches(graph, null, () => "");
  assert.deepEqual(
    batches.map((b) => b.get("action_ids")),
    [["action-1"], ["action-2"], ["action-3"]],
  );
});

test("validation reports bad edges, unreachable nodes and ceiling violations", () => {
  const g = normalizeWorkflow(
    Dict.of({
      entry: "a",
      nodes: Dict.of({ a: new Dict(), b: new Dict() }),
      edges: [Dict.of({ from: "a", to: "ghost" })],
    }),
    "test",
  );
  const report = validateWorkflow(g, null);
  assert.equal(report.valid, false);
  assert.deepEqual(report.errors, ["edge.to references unknown node: ghost"]);
  assert.deepEqual(report.warnings, ["node is unreachable: b"]);
  assert.deepEqual(report.reachableNodes, ["a", "ghost"]);
});
