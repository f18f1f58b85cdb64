// The observability summary of a run record (`run.observability`, schema
// version 4): an action graph (run-action-graph.ts: the run, its trigger, a
// node per stage — `predicate` for condition stages — and per delegated
// worker, joined by entry / trigger_dispatch / transition / predicate_gate
// / delegates edges), planner rounds of agentic stages, worker lineage,
// verification outcomes, pointers to the transcripts a run embeds, the
// compaction events found in them, and daemon events from the run's LLM
// transcript sidecar. Derived from the record alone (plus the sidecar
// files, read through `RunFiles`), so any saved run can be summarised.

import { Dict, type Value } from "../../vm/values.ts";
import { count, dictOf, dicts, strings, text } from "./record-read.ts";
import { runActionGraph } from "./run-action-graph.ts";

/** File access for the sidecar next to a persisted run (absent in pure derivations). */
export interface RunFiles {
  exists(path: string): boolean;
  readText(path: string): string | null;
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
  const runPath = text(run, "persisted_path");
  const graph = runActionGraph(run);
  const verifications: Dict[] = [];
  const pointers: Dict[] = [];
  const compactions: Dict[] = [];
  const rounds: Dict[] = [];
  let factCount = 0;
  for (const s of dicts(run, "stages")) {
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
  const lineage = dicts(run, "child_runs").map((c) =>
    Dict.of({
      worker_id: text(c, "worker_id") ?? "",
      worker_name: text(c, "worker_name") ?? "",
      parent_stage_id: text(c, "parent_stage_id"),
      task: text(c, "task") ?? "",
      status: text(c, "status") ?? "",
      session_id: text(c, "session_id"),
      parent_session_id: text(c, "parent_session_id"),
      run_id: text(c, "run_id"),
      run_path: text(c, "run_path"),
      snapshot_path: text(c, "snapshot_path"),
    }),
  );
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
    action_graph_nodes: graph.nodes,
    action_graph_edges: graph.edges,
    worker_lineage: lineage,
    verification_outcomes: verifications,
    transcript_pointers: pointers,
    compaction_events: compactions,
    daemon_events: daemon,
  });
}
