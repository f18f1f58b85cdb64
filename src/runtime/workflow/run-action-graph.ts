// The action graph of a run record (part of `run.observability`): the run
// itself, the trigger that started it (and the event it replays), one node
// per stage — `predicate` for condition stages — and per delegated worker,
// joined by entry / trigger_dispatch / replay_chain / transition /
// predicate_gate / delegates edges. Every node carries the run's trace id.

import { Dict, type Value } from "../../vm/values.ts";
import { dictOf, dicts, text } from "./record-read.ts";

interface GraphNode {
  id: string;
  label: string;
  kind: string;
  status: string;
  outcome: string;
  trace_id: string | null;
  stage_id: string | null;
  node_id: string | null;
  worker_id: string | null;
  run_id: string | null;
  run_path: string | null;
  metadata: Record<string, Value>;
}

function nodeValue(n: GraphNode): Dict {
  return Dict.of({ ...n, metadata: Dict.of(n.metadata) });
}

function edge(from: string, to: string, kind: string, label: string | null): Dict {
  return Dict.of({ from_id: from, to_id: to, kind, label });
}

export function signatureLabel(event: Dict): string {
  const status = event.get("signature_status");
  const state = status instanceof Dict ? text(status, "state") : typeof status === "string" ? status : null;
  return state === "verified" || state === "failed" ? state : "unsigned";
}

function triggerMetadata(event: Dict): Record<string, Value> {
  return {
    provider: text(event, "provider"),
    event_kind: text(event, "kind"),
    dedupe_key: text(event, "dedupe_key"),
    signature_status: signatureLabel(event),
  };
}

export interface ActionGraph {
  readonly nodes: Dict[];
  readonly edges: Dict[];
}

/** The action graph of `run`. */
export function runActionGraph(run: Dict): ActionGraph {
  const runId = text(run, "id") ?? "";
  const metadata = dictOf(run, "metadata");
  const trigger = dictOf(metadata, "trigger_event");
  const traceId = text(trigger, "trace_id") ?? text(metadata, "trace_id");
  const runPath = text(run, "persisted_path");
  const rootId = `run:${runId}`;
  const nodes: Dict[] = [];
  const edges: Dict[] = [];
  const base = { stage_id: null, node_id: null, worker_id: null };
  nodes.push(
    nodeValue({
      ...base,
      id: rootId,
      label: text(run, "workflow_name") ?? text(run, "workflow_id") ?? "",
      kind: "run",
      status: text(run, "status") ?? "",
      outcome: text(run, "status") ?? "",
      trace_id: traceId,
      run_id: runId,
      run_path: runPath,
      metadata: { workflow_id: text(run, "workflow_id") },
    }),
  );
  let entry = rootId;
  if (trigger !== null) {
    const label = `${text(trigger, "provider") ?? ""}:${text(trigger, "kind") ?? ""}`;
    const triggerId = `trigger:${text(trigger, "id") ?? ""}`;
    const replayOf = text(metadata, "replay_of_event_id");
    const triggerNode = {
      ...base,
      label,
      kind: "trigger",
      trace_id: text(trigger, "trace_id"),
      run_id: runId,
      run_path: runPath,
      metadata: triggerMetadata(trigger),
    };
    if (replayOf !== null) {
      nodes.push(
        nodeValue({
          ...triggerNode,
          id: `trigger:${replayOf}`,
          label: `${label} (original ${replayOf})`,
          status: "historical",
          outcome: "replayed_from",
        }),
      );
      edges.push(edge(`trigger:${replayOf}`, triggerId, "replay_chain", "replay chain"));
    }
    nodes.push(
      nodeValue({ ...triggerNode, id: triggerId, status: "received", outcome: signatureLabel(trigger) }),
    );
    edges.push(edge(rootId, triggerId, "entry", text(trigger, "id")));
    entry = triggerId;
  }
  const stages = dicts(run, "stages");
  const transitions = dicts(run, "transitions");
  const stageNode = (s: Dict): string => `stage:${text(s, "id") ?? ""}`;
  const targets = new Set(transitions.map((t) => text(t, "to_node_id")));
  for (const s of stages) {
    const sm = dictOf(s, "metadata");
    const meta: Record<string, Value> = { stage_kind: text(s, "kind") ?? "" };
    if (text(s, "branch") !== null) meta.branch = text(s, "branch");
    if (text(sm, "worker_id") !== null) meta.worker_id = text(sm, "worker_id");
    nodes.push(
      nodeValue({
        id: stageNode(s),
        label: text(s, "node_id") ?? "",
        kind: text(s, "kind") === "condition" ? "predicate" : "stage",
        status: text(s, "status") ?? "",
        outcome: text(s, "outcome") ?? "",
        trace_id: traceId,
        stage_id: text(s, "id"),
        node_id: text(s, "node_id"),
        worker_id: text(sm, "worker_id"),
        run_id: null,
        run_path: null,
        metadata: meta,
      }),
    );
    // Stages no transition leads to were entered from the run (or its trigger).
    if (!targets.has(text(s, "node_id"))) {
      edges.push(edge(entry, stageNode(s), trigger !== null ? "trigger_dispatch" : "entry", null));
    }
  }
  const byStageId = new Map(stages.map((s) => [text(s, "id") ?? "", s]));
  const byNodeId = new Map(stages.map((s) => [text(s, "node_id") ?? "", stageNode(s)]));
  for (const t of transitions) {
    const to = byNodeId.get(text(t, "to_node_id") ?? "");
    if (to === undefined) continue;
    const fromStage = byStageId.get(text(t, "from_stage_id") ?? "") ?? null;
    const from =
      (fromStage === null ? null : stageNode(fromStage)) ??
      byNodeId.get(text(t, "from_node_id") ?? "") ??
      rootId;
    const kind =
      fromStage !== null && text(fromStage, "kind") === "condition" ? "predicate_gate" : "transition";
    edges.push(edge(from, to, kind, text(t, "branch")));
  }
  for (const c of dicts(run, "child_runs")) {
    const workerId = text(c, "worker_id") ?? "";
    const parentStage = text(c, "parent_stage_id");
    nodes.push(
      nodeValue({
        id: `worker:${workerId}`,
        label: text(c, "worker_name") ?? "",
        kind: "worker",
        status: text(c, "status") ?? "",
        outcome: text(c, "status") ?? "",
        trace_id: traceId,
        stage_id: parentStage,
        node_id: null,
        worker_id: workerId,
        run_id: text(c, "run_id"),
        run_path: text(c, "run_path"),
        metadata: { worker_name: text(c, "worker_name"), task: text(c, "task") },
      }),
    );
    const parent = parentStage === null ? undefined : byStageId.get(parentStage);
    if (parent !== undefined)
      edges.push(edge(stageNode(parent), `worker:${workerId}`, "delegates", text(c, "worker_name")));
  }
  return { nodes, edges };
}
