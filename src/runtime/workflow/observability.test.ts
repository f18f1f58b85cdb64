// The run observability summary: trigger and predicate nodes, the edges
// between stages, compaction events found in stage transcripts.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict, type Value } from "../../vm/values.ts";
import { deriveObservability, llmSidecarPath } from "./observability.ts";

const stage = (id: string, node: string, kind: string, extra: Record<string, Value> = {}): Dict =>
  Dict.of({ id, node_id: node, kind, status: "completed", outcome: "ok", branch: null, ...extra });

test("a triggered run links trigger, predicate gate and stages", () => {
  const run = Dict.of({
    id: "r1",
    workflow_id: "wf",
    workflow_name: "flow",
    status: "completed",
    metadata: Dict.of({
      trigger_event: Dict.of({
        id: "evt",
        provider: "cron",
        kind: "tick",
        trace_id: "t1",
        signature_status: Dict.of({ state: "unsigned" }),
      }),
    }),
    stages: [stage("s1", "gate", "condition"), stage("s2", "act", "stage")],
    transitions: [Dict.of({ from_stage_id: "s1", from_node_id: "gate", to_node_id: "act", branch: "true" })],
  });
  const o = deriveObservability(run, null, null);
  const nodes = o.get("action_graph_nodes") as Dict[];
  assert.deepEqual(
    nodes.map((n) => [n.get("id"), n.get("kind"), n.get("trace_id")]),
    [
      ["run:r1", "run", "t1"],
      ["trigger:evt", "trigger", "t1"],
      ["stage:s1", "predicate", "t1"],
      ["stage:s2", "stage", "t1"],
    ],
  );
  const edges = (o.get("action_graph_edges") as Dict[]).map(
    (e) => `${e.get("from_id")}>${e.get("to_id")}:${e.get("kind")}`,
  );
  assert.deepEqual(edges, [
    "run:r1>trigger:evt:entry",
    "trigger:evt>stage:s1:trigger_dispatch",
    "stage:s1>stage:s2:predicate_gate",
  ]);
  assert.equal(o.get("schema_version"), 4);
});

test("compaction events come from stage transcripts, available when their snapshot asset is kept", () => {
  const transcript = Dict.of({
    id: "tr",
    assets: [Dict.of({ id: "asset-1" })],
    events: [
      Dict.of({
        id: "e1",
        kind: "compaction",
        metadata: Dict.of({ strategy: "truncate", snapshot_asset_id: "asset-1" }),
      }),
    ],
  });
  const run = Dict.of({ id: "r2", stages: [stage("s1", "act", "stage", { transcript })] });
  const events = deriveObservability(run, "/runs/r2.json", null).get("compaction_events") as Dict[];
  assert.equal(events.length, 1);
  assert.equal(events[0]!.get("strategy"), "truncate");
  assert.equal(events[0]!.get("available"), true);
  assert.equal(events[0]!.get("snapshot_location"), "run.stages[act].transcript.assets[asset-1]");
  assert.equal(llmSidecarPath("/runs/r2.json"), "/runs/r2-llm/llm_transcript.jsonl");
});
