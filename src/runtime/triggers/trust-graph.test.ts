// The trust graph's hash chain, queries, tier resolution and policies.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict } from "../../vm/values.ts";
import { type EventLog, MemoryEventLog } from "../events/event-log.ts";
import type { AutonomyTier } from "./binding.ts";
import { groupByTrace, policyForTier, type TrustOutcome, TrustGraph } from "./trust-graph.ts";

let n = 0;
function record(agent: string, action: string, outcome: TrustOutcome, tier: AutonomyTier, trace = "trace-1") {
  n++;
  return {
    recordId: `r${n}`,
    agent,
    action,
    approver: null,
    outcome,
    traceId: trace,
    autonomyTier: tier,
    timestamp: `2026-01-01T00:00:${String(n % 60).padStart(2, "0")}.000Z`,
    costUsd: null,
    metadata: new Dict(),
  };
}

test("records chain by index and hash, and verification catches edits", () => {
  const log: EventLog = new MemoryEventLog();
  const graph = new TrustGraph(() => log);
  const first = graph.append(record("bot", "a", "success", "suggest"));
  const second = graph.append(record("bot", "b", "failure", "suggest"));
  assert.equal(first.chainIndex, 1);
  assert.equal(first.previousHash, null);
  assert.equal(second.chainIndex, 2);
  assert.equal(second.previousHash, first.entryHash);
  assert.match(second.entryHash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(graph.verify().get("verified"), true);

  // A forged record (edited content, a made-up hash) breaks the chain.
  const stored = log.read("trust_graph")[1]!;
  const tampered = (stored.event.payload as Dict)
    .with("outcome", "success")
    .with("entry_hash", "sha256:forged");
  log.append("trust_graph", { ...stored.event, payload: tampered });
  const report = graph.verify();
  assert.equal(report.get("verified"), false);
  assert.equal(report.get("total"), 3);
});

test("queries filter, order and limit; groups follow trace order", () => {
  const log = new MemoryEventLog();
  const graph = new TrustGraph(() => log);
  graph.append(record("a", "x", "success", "suggest", "t1"));
  graph.append(record("b", "x", "denied", "shadow", "t2"));
  graph.append(record("a", "y", "failure", "act_auto", "t3"));
  graph.append(record("a", "z", "success", "act_auto", "t3"));
  assert.deepEqual(
    graph.query({ agent: "a" }, "t").map((r) => r.action),
    ["x", "y", "z"],
  );
  assert.deepEqual(
    graph.query({ agent: "a", limit: 2 }, "t").map((r) => r.action),
    ["y", "z"],
  );
  assert.deepEqual(
    graph.query({ outcome: "denied" }, "t").map((r) => r.agent),
    ["b"],
  );
  const groups = groupByTrace(graph.query({ agent: "a" }, "t"));
  assert.deepEqual(
    groups.map((g) => g.get("trace_id")),
    ["t1", "t3"],
  );
  assert.throws(() => graph.query({ since: "yesterday" }, "trust_query"), /invalid `since` timestamp/);
});

test("promotions change the effective tier; bad outcomes narrow the policy", () => {
  const log = new MemoryEventLog();
  const graph = new TrustGraph(() => log);
  assert.equal(graph.effectiveTier("bot", "shadow"), "shadow");
  graph.append(record("bot", "trust.promote", "success", "act_with_approval"));
  graph.append(record("bot", "trust.demote", "failure", "shadow"));
  assert.equal(
    graph.effectiveTier("bot", "shadow"),
    "act_with_approval",
    "a failed demotion changes nothing",
  );
  assert.equal(policyForTier("shadow").sideEffectLevel, "none");
  assert.equal(policyForTier("shadow").recursionLimit, 0);
  assert.equal(policyForTier("act_auto").sideEffectLevel, "network");
  const score = graph.score("bot", null);
  assert.equal(score.get("total"), 2);
  assert.equal(score.get("effective_tier"), "act_with_approval");
  // The latest record failed, so the policy drops to read-only.
  assert.equal((score.get("policy") as Dict).get("side_effect_level"), "read_only");
});
