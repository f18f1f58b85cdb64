// The observability summary of a run record (`run.observability`, schema
// version 4): an action graph (the run, the trigger that started it, a
// node per stage — `predicate` for condition stages — and per delegated
// worker, joined by entry / trigger_dispatch / transition / predicate_gate
// / delegates edges), planner rounds of agentic stages, worker lineage,
// verification outcomes, pointers to the transcripts a run embeds, the
// compaction events found in them, and daemon events from the run's LLM
// transcript sidecar. Derived from the record alone (plus the sidecar
// files, read through `RunFiles`), so any saved run can be summarised.

import { Dict, type Value } from "../../vm/values.ts";

/** File access for the sidecar next to a persisted run (absent in pure derivations). */
export interface RunFiles {
  exists(path: string): boolean;
  readText(path: string): string | null;
}

const text = (d: Dict | null, k: string): string | null => {
  const v = d?.get(k);
  return typeof v === "string" ? v : null;
};
const count = (d: Dict | null, k: string): number => {
  const v = d?.get(k);
  return typeof v === "number" && v > 0 ? v : 0;
};
const dictOf = (d: Dict | null, k: string): Dict | null => {
  const v = d?.get(k);
  return v instanceof Dict ? v : null;
};
const dicts = (d: Dict | null, k: string): Dict[] => {
  const v = d?.get(k);
  return Array.isArray(v) ? v.filter((x): x is Dict => x instanceof Dict) : [];
};
const strings = (d: Dict | null, k: string): string[] => {
  const v = d?.get(k);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};

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

/** `<dir>/<stem>-llm/llm_transcript.jsonl` next to a persisted run. */
export function llmSidecarPath(runPath: string): string {
  const slash = runPath.lastIndexOf("/");
  const dir = slash < 0 ? "." : runPath.slice(0, slash) || "/";
  const file = runPath.slice(slash + 1);
  const dot = file.lastIndexOf(".");
  const stem = dot <= 0 ? file : file.slice(0, dot);
  return `${dir}/${stem}-llm/llm_transcript.jsonl`;
}

function signatureLabel(event: Dict): string {
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

function compactionEvents(transcript: Dict, stage: Dict | null, prefix: string, path: string | null): Dict[] {
  const assets = new Set(dicts(transcript, "assets").map((a) => text(a, "id")));
  return dicts(transcript, "events")
    .filter((e) => e.get("kind") === "compaction")
    .map((e) => {
      const meta = dictOf(e, "metadata");
      const asset = text(meta, "snapshot_asset_id");
      return Dict.of({
        id: text(e, "id") ?? "",
        transcript_id: text(transcript, "id"),
        stage_id: text(stage, "id"),
        node_id: text(stage, "node_id"),
        mode: text(meta, "mode") ?? "",
        strategy: text(meta, "strategy") ?? "",
        archived_messages: count(meta, "archived_messages"),
        estimated_tokens_before: count(meta, "estimated_tokens_before"),
        estimated_tokens_after: count(meta, "estimated_tokens_after"),
        snapshot_asset_id: asset,
        snapshot_location: asset === null ? prefix : `${prefix}.assets[${asset}]`,
        snapshot_path: path,
        available: asset !== null && assets.has(asset),
      });
    });
}

function ledgerSummary(v: Value): Dict | null {
  if (!(v instanceof Dict)) return null;
  const deliverables = dicts(v, "deliverables").map((d) =>
    Dict.of({
      id: text(d, "id") ?? "",
      text: text(d, "text") ?? "",
      status: text(d, "status") ?? "",
      note: text(d, "note"),
    }),
  );
  const observations = strings(v, "observations");
  const root = text(v, "root_task") ?? "";
  const rationale = text(v, "rationale") ?? "";
  if (root === "" && rationale === "" && deliverables.length === 0 && observations.length === 0) return null;
  const blocking = deliverables.filter(
    (d) => d.get("status") === "open" || d.get("status") === "blocked",
  ).length;
  return Dict.of({ root_task: root, rationale, deliverables, observations, blocking_count: blocking });
}

/** A planner round for an agentic stage, or null when the stage did no agent work. */
function plannerRound(stage: Dict): { round: Dict; facts: number } | null {
  const payload = dicts(stage, "artifacts")
    .map((a) => a.get("data"))
    .find((d): d is Dict => d instanceof Dict);
  if (payload === undefined) return null;
  const trace = dictOf(payload, "trace");
  const tools = dictOf(payload, "tools");
  const ledger = ledgerSummary(payload.get("task_ledger"));
  const facts = ledger === null ? [] : strings(ledger, "observations");
  const used =
    tools?.get("calls") !== undefined && tools?.get("calls") !== null
      ? strings(tools, "calls")
      : strings(trace, "tools_used");
  const counts = {
    iteration_count: count(trace, "iterations"),
    llm_call_count: count(trace, "llm_calls"),
    tool_execution_count: count(trace, "tool_executions"),
    tool_rejection_count: count(trace, "tool_rejections"),
    intervention_count: count(trace, "interventions"),
    compaction_count: count(trace, "compactions"),
    native_text_tool_fallback_count: count(trace, "native_text_tool_fallbacks"),
    native_text_tool_fallback_rejection_count: count(trace, "native_text_tool_fallback_rejections"),
    empty_completion_retry_count: count(trace, "empty_completion_retries"),
  };
  const successful = strings(tools, "successful");
  const rejections = count(payload, "ledger_done_rejections");
  const agentic =
    counts.iteration_count + counts.llm_call_count + counts.tool_execution_count > 0 ||
    counts.native_text_tool_fallback_count + counts.native_text_tool_fallback_rejection_count > 0 ||
    counts.empty_completion_retry_count + rejections > 0 ||
    ledger !== null ||
    used.length + successful.length > 0;
  if (!agentic) return null;
  return {
    round: Dict.of({
      stage_id: text(stage, "id") ?? "",
      node_id: text(stage, "node_id") ?? "",
      stage_kind: text(stage, "kind") ?? "",
      status: text(stage, "status") ?? "",
      outcome: text(stage, "outcome") ?? "",
      ...counts,
      tools_used: used,
      successful_tools: successful,
      ledger_done_rejections: rejections,
      task_ledger: ledger,
      research_facts: facts,
    }),
    facts: facts.length,
  };
}

function verificationOutcome(stage: Dict): Dict {
  const v = dictOf(stage, "verification");
  const flag = (k: string): boolean | null => (typeof v?.get(k) === "boolean" ? (v.get(k) as boolean) : null);
  const status = text(stage, "status") ?? "";
  const outcome = text(stage, "outcome") ?? "";
  const passed =
    flag("pass") ??
    flag("success") ??
    (status === "completed" && outcome === "success"
      ? true
      : status === "failed" || outcome === "failed"
        ? false
        : null);
  const visible = text(stage, "visible_text");
  return Dict.of({
    stage_id: text(stage, "id") ?? "",
    node_id: text(stage, "node_id") ?? "",
    status,
    passed,
    summary:
      v !== null ? JSON.stringify(jsonish(v)) : visible !== null && visible.trim() !== "" ? visible : null,
  });
}

function jsonish(v: Value): unknown {
  if (v instanceof Dict) return Object.fromEntries(v.keys().map((k) => [k, jsonish(v.get(k))]));
  if (Array.isArray(v)) return v.map(jsonish);
  return typeof v === "bigint" ? Number(v) : typeof v === "object" && v !== null ? String(v) : v;
}

function daemonEvents(files: RunFiles | null, sidecar: string): Dict[] {
  const body = files?.readText(sidecar) ?? null;
  if (body === null) return [];
  const out: Dict[] = [];
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const e = JSON.parse(line) as Record<string, unknown>;
      if (e.type !== "daemon_event") continue;
      const s = (k: string): string => (typeof e[k] === "string" ? (e[k] as string) : "");
      out.push(
        Dict.of({
          daemon_id: s("daemon_id"),
          name: s("name"),
          kind: s("kind") || "spawned",
          timestamp: s("timestamp"),
          persist_path: s("persist_path"),
          payload_summary: typeof e.payload_summary === "string" ? e.payload_summary : null,
        }),
      );
    } catch {
      // A torn or foreign line in the sidecar is not an event.
    }
  }
  return out;
}

/** The observability record of `run` (persisted at `path`, when it is). */
export function deriveObservability(run: Dict, path: string | null, files: RunFiles | null): Dict {
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
    if (replayOf !== null) {
      nodes.push(
        nodeValue({
          ...base,
          id: `trigger:${replayOf}`,
          label: `${label} (original ${replayOf})`,
          kind: "trigger",
          status: "historical",
          outcome: "replayed_from",
          trace_id: text(trigger, "trace_id"),
          run_id: runId,
          run_path: runPath,
          metadata: triggerMetadata(trigger),
        }),
      );
      edges.push(edge(`trigger:${replayOf}`, triggerId, "replay_chain", "replay chain"));
    }
    nodes.push(
      nodeValue({
        ...base,
        id: triggerId,
        label,
        kind: "trigger",
        status: "received",
        outcome: signatureLabel(trigger),
        trace_id: text(trigger, "trace_id"),
        run_id: runId,
        run_path: runPath,
        metadata: triggerMetadata(trigger),
      }),
    );
    edges.push(edge(rootId, triggerId, "entry", text(trigger, "id")));
    entry = triggerId;
  }
  const stages = dicts(run, "stages");
  const transitions = dicts(run, "transitions");
  const stageNode = (s: Dict): string => `stage:${text(s, "id") ?? ""}`;
  const byStageId = new Map(stages.map((s) => [text(s, "id") ?? "", s]));
  const byNodeId = new Map(stages.map((s) => [text(s, "node_id") ?? "", stageNode(s)]));
  const targets = new Set(transitions.map((t) => text(t, "to_node_id")));
  const verifications: Dict[] = [];
  const pointers: Dict[] = [];
  const compactions: Dict[] = [];
  const rounds: Dict[] = [];
  let factCount = 0;
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
    if (!targets.has(text(s, "node_id"))) {
      edges.push(edge(entry, stageNode(s), trigger !== null ? "trigger_dispatch" : "entry", null));
    }
    if (text(s, "kind") === "verify" || s.get("verification") !== null)
      verifications.push(verificationOutcome(s));
    const transcript = dictOf(s, "transcript");
    if (transcript !== null) {
      const location = `run.stages[${text(s, "node_id") ?? ""}].transcript`;
      pointers.push(
        Dict.of({
          id: `stage:${text(s, "id") ?? ""}:transcript`,
          label: `Stage ${text(s, "node_id") ?? ""} transcript`,
          kind: "embedded_transcript",
          location,
          path: runPath,
          available: true,
        }),
      );
      compactions.push(...compactionEvents(transcript, s, location, path));
    }
    const round = plannerRound(s);
    if (round !== null) {
      rounds.push(round.round);
      factCount += round.facts;
    }
  }
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
  const stageIds = new Map(stages.map((s) => [text(s, "id"), stageNode(s)]));
  const lineage = dicts(run, "child_runs").map((c) => {
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
    const parentNode = parentStage === null ? undefined : stageIds.get(parentStage);
    if (parentNode !== undefined)
      edges.push(edge(parentNode, `worker:${workerId}`, "delegates", text(c, "worker_name")));
    return Dict.of({
      worker_id: workerId,
      worker_name: text(c, "worker_name") ?? "",
      parent_stage_id: parentStage,
      task: text(c, "task") ?? "",
      status: text(c, "status") ?? "",
      session_id: text(c, "session_id"),
      parent_session_id: text(c, "parent_session_id"),
      run_id: text(c, "run_id"),
      run_path: text(c, "run_path"),
      snapshot_path: text(c, "snapshot_path"),
    });
  });
  const runTranscript = dictOf(run, "transcript");
  if (runTranscript !== null) {
    pointers.push(
      Dict.of({
        id: "run:transcript",
        label: "Run transcript",
        kind: "embedded_transcript",
        location: "run.transcript",
        path: runPath,
        available: true,
      }),
    );
    compactions.push(...compactionEvents(runTranscript, null, "run.transcript", path));
  }
  let daemon: Dict[] = [];
  if (path !== null) {
    const sidecar = llmSidecarPath(path);
    pointers.push(
      Dict.of({
        id: "run:llm_transcript",
        label: "LLM transcript sidecar",
        kind: "llm_jsonl",
        location: "run sidecar",
        path: sidecar,
        available: files?.exists(sidecar) ?? false,
      }),
    );
    daemon = daemonEvents(files, sidecar);
  }
  return Dict.of({
    schema_version: 4,
    planner_rounds: rounds,
    research_fact_count: factCount,
    action_graph_nodes: nodes,
    action_graph_edges: edges,
    worker_lineage: lineage,
    verification_outcomes: verifications,
    transcript_pointers: pointers,
    compaction_events: compactions,
    daemon_events: daemon,
  });
}
