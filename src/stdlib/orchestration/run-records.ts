// Run records: what a workflow run did — status, stages (each with status,
// outcome, branch, artifacts, attempts), transitions, checkpoints, child
// runs, usage — as one dict `{_type: "run_record", ...}`. From a run we
// derive a replay fixture (the statuses, outcomes, branches and artifact
// kinds a faithful replay must reproduce), evaluate a run against a
// fixture, and diff two runs stage by stage. Handoffs found in the run's
// artifacts are collected into `run.handoffs` and linked back to the run;
// delegated workers named in stage metadata become child runs, and a run
// without an observability summary gets one (runtime/workflow).

import { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { materializeChildRuns } from "../../runtime/workflow/child-runs.ts";
import { deriveObservability } from "../../runtime/workflow/observability.ts";
import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { normalizeArtifact, type RecordEnv } from "./artifacts.ts";
import { syncRunHandoffs } from "./handoffs.ts";
import { Fields } from "./record-fields.ts";

function normalizeStage(v: Value, env: RecordEnv): Dict {
  const f = Fields.of(v, "run_record stage");
  return Dict.of({
    id: f.str("id"),
    node_id: f.str("node_id"),
    kind: f.str("kind"),
    status: f.str("status"),
    outcome: f.str("outcome"),
    branch: f.optStr("branch"),
    started_at: f.str("started_at"),
    finished_at: f.optStr("finished_at"),
    visible_text: f.optStr("visible_text"),
    private_reasoning: f.optStr("private_reasoning"),
    transcript: f.raw("transcript"),
    verification: f.raw("verification"),
    usage: f.raw("usage"),
    artifacts: f.list("artifacts").map((a) => normalizeArtifact(a, env)),
    consumed_artifact_ids: f.strList("consumed_artifact_ids"),
    produced_artifact_ids: f.strList("produced_artifact_ids"),
    attempts: f.list("attempts"),
    metadata: f.dict("metadata"),
  });
}

/** The canonical run record for `v`, with an id, start time, status and replay fixture filled in. */
export function normalizeRunRecord(v: Value | undefined, env: RecordEnv): Dict {
  const f = Fields.of(v, "run_record");
  const id = f.str("id") || `run_${env.uuid()}`;
  const run = Dict.of({
    _type: f.str("_type") || "run_record",
    id,
    workflow_id: f.str("workflow_id"),
    workflow_name: f.optStr("workflow_name"),
    task: f.str("task"),
    status: f.str("status") || "running",
    started_at: f.str("started_at") || env.nowSecs(),
    finished_at: f.optStr("finished_at"),
    parent_run_id: f.optStr("parent_run_id"),
    root_run_id: f.optStr("root_run_id") ?? id,
    stages: f.list("stages").map((s) => normalizeStage(s, env)),
    transitions: f.list("transitions"),
    checkpoints: f.list("checkpoints"),
    pending_nodes: f.strList("pending_nodes"),
    completed_nodes: f.strList("completed_nodes"),
    child_runs: f.list("child_runs"),
    artifacts: f.list("artifacts").map((a) => normalizeArtifact(a, env)),
    handoffs: f.list("handoffs"),
    policy: CapabilityPolicy.fromValue(f.raw("policy")).toValue(),
    execution: f.raw("execution"),
    transcript: f.raw("transcript"),
    usage: f.raw("usage"),
    replay_fixture: f.raw("replay_fixture"),
    observability: f.raw("observability"),
    trace_spans: f.list("trace_spans"),
    tool_recordings: f.list("tool_recordings"),
    hitl_questions: f.list("hitl_questions"),
    metadata: f.dict("metadata"),
    persisted_path: f.optStr("persisted_path"),
  });
  const withFixture =
    run.get("replay_fixture") === null ? run.with("replay_fixture", replayFixture(run, env)) : run;
  // Added for the workflow runtime: child runs from stage metadata, then observability when absent.
  const synced = syncRunHandoffs(materializeChildRuns(withFixture), env);
  return synced.get("observability") === null ? withObservability(synced, env) : synced;
}

/** `run` with its observability summary derived afresh (for the path it is persisted at). */
export function withObservability(run: Dict, env: RecordEnv): Dict {
  const path = run.get("persisted_path");
  return run.with(
    "observability",
    deriveObservability(run, typeof path === "string" ? path : null, env.files ?? null),
  );
}

const str = (d: Dict, k: string): string => {
  const v = d.get(k);
  return typeof v === "string" ? v : v === null ? "" : display(v);
};
const optStr = (d: Dict, k: string): string | null => {
  const v = d.get(k);
  return typeof v === "string" ? v : null;
};
const dicts = (d: Dict, k: string): Dict[] => {
  const v = d.get(k);
  return Array.isArray(v) ? v.filter((x): x is Dict => x instanceof Dict) : [];
};
const count = (d: Dict, k: string): number => {
  const v = d.get(k);
  return Array.isArray(v) ? v.length : 0;
};

/** What a replay of `run` must reproduce. */
export function replayFixture(run: Dict, env: RecordEnv): Dict {
  return Dict.of({
    _type: "replay_fixture",
    id: `fixture_${env.uuid()}`,
    source_run_id: str(run, "id"),
    workflow_id: str(run, "workflow_id"),
    workflow_name: optStr(run, "workflow_name"),
    created_at: env.nowSecs(),
    eval_kind: "replay",
    clarifying_question: null,
    expected_status: str(run, "status"),
    stage_assertions: dicts(run, "stages").map((stage) => {
      const visible = optStr(stage, "visible_text");
      return Dict.of({
        node_id: str(stage, "node_id"),
        expected_status: str(stage, "status"),
        expected_outcome: str(stage, "outcome"),
        expected_branch: optStr(stage, "branch"),
        required_artifact_kinds: dicts(stage, "artifacts").map((a) => str(a, "kind")),
        visible_text_contains: visible === null || visible === "" ? null : [...visible].slice(0, 80).join(""),
      });
    }),
  });
}

const quoted = (s: string | null): string => (s === null ? "None" : `Some(${JSON.stringify(s)})`);

/** `{pass, failures, stage_count}` for `run` against `fixture`. */
export function evaluateRun(run: Dict, fixture: Dict): Dict {
  const failures: string[] = [];
  const expectedStatus = str(fixture, "expected_status");
  if (str(run, "status") !== expectedStatus) {
    failures.push(`run status mismatch: expected ${expectedStatus}, got ${str(run, "status")}`);
  }
  const stages = new Map(dicts(run, "stages").map((s) => [str(s, "node_id"), s]));
  for (const a of dicts(fixture, "stage_assertions")) {
    const node = str(a, "node_id");
    const stage = stages.get(node);
    if (!stage) {
      failures.push(`missing stage ${node}`);
      continue;
    }
    for (const [field, label] of [
      ["status", "status"],
      ["outcome", "outcome"],
    ] as const) {
      const expected = str(a, `expected_${field}`);
      if (str(stage, field) !== expected) {
        failures.push(`stage ${node} ${label} mismatch: expected ${expected}, got ${str(stage, field)}`);
      }
    }
    const branch = optStr(a, "expected_branch");
    if (optStr(stage, "branch") !== branch) {
      failures.push(
        `stage ${node} branch mismatch: expected ${quoted(branch)}, got ${quoted(optStr(stage, "branch"))}`,
      );
    }
    const kinds = dicts(stage, "artifacts").map((x) => str(x, "kind"));
    const required = a.get("required_artifact_kinds");
    for (const kind of Array.isArray(required) ? required : []) {
      if (!kinds.includes(display(kind)))
        failures.push(`stage ${node} missing artifact kind ${display(kind)}`);
    }
    const snippet = optStr(a, "visible_text_contains");
    if (snippet !== null && !(optStr(stage, "visible_text") ?? "").includes(snippet)) {
      failures.push(
        `stage ${node} visible text does not contain expected snippet ${JSON.stringify(snippet)}`,
      );
    }
  }
  return Dict.of({ pass: failures.length === 0, failures, stage_count: count(run, "stages") });
}

/** Stage, tool-call and count differences between two runs (left = baseline). */
export function diffRuns(left: Dict, right: Dict): Dict {
  const byNode = (run: Dict): Map<string, Dict> =>
    new Map(dicts(run, "stages").map((s) => [str(s, "node_id"), s]));
  const l = byNode(left);
  const r = byNode(right);
  const stageDiffs: Dict[] = [];
  for (const node of [...new Set([...l.keys(), ...r.keys()])].sort()) {
    const a = l.get(node);
    const b = r.get(node);
    if (a && !b)
      stageDiffs.push(
        Dict.of({ node_id: node, change: "removed", details: ["stage missing from right run"] }),
      );
    else if (!a && b)
      stageDiffs.push(Dict.of({ node_id: node, change: "added", details: ["stage missing from left run"] }));
    else if (a && b) {
      const details: string[] = [];
      for (const field of ["status", "outcome"]) {
        if (str(a, field) !== str(b, field)) details.push(`${field}: ${str(a, field)} -> ${str(b, field)}`);
      }
      if (optStr(a, "branch") !== optStr(b, "branch")) {
        details.push(`branch: ${quoted(optStr(a, "branch"))} -> ${quoted(optStr(b, "branch"))}`);
      }
      if (count(a, "produced_artifact_ids") !== count(b, "produced_artifact_ids")) {
        details.push(
          `produced_artifacts: ${count(a, "produced_artifact_ids")} -> ${count(b, "produced_artifact_ids")}`,
        );
      }
      if (count(a, "artifacts") !== count(b, "artifacts")) {
        details.push(`artifact_records: ${count(a, "artifacts")} -> ${count(b, "artifacts")}`);
      }
      if (details.length > 0) stageDiffs.push(Dict.of({ node_id: node, change: "changed", details }));
    }
  }
  const toolKey = (t: Dict): string => `${str(t, "tool_name")}\u0000${str(t, "args_hash")}`;
  const lt = new Map(dicts(left, "tool_recordings").map((t) => [toolKey(t), t]));
  const rt = new Map(dicts(right, "tool_recordings").map((t) => [toolKey(t), t]));
  const toolDiffs: Dict[] = [];
  for (const key of [...new Set([...lt.keys(), ...rt.keys()])].sort()) {
    const a = lt.get(key);
    const b = rt.get(key);
    if (a && b && str(a, "result") === str(b, "result")) continue;
    const [name, hash] = key.split("\u0000");
    toolDiffs.push(
      Dict.of({
        tool_name: name ?? "",
        args_hash: hash ?? "",
        result_changed: true,
        left_result: a ? str(a, "result") : null,
        right_result: b ? str(b, "result") : null,
      }),
    );
  }
  const statusChanged = str(left, "status") !== str(right, "status");
  const delta = (k: string): number => count(right, k) - count(left, k);
  const identical =
    !statusChanged &&
    stageDiffs.length === 0 &&
    toolDiffs.length === 0 &&
    delta("transitions") === 0 &&
    delta("artifacts") === 0 &&
    delta("checkpoints") === 0;
  return Dict.of({
    left_run_id: str(left, "id"),
    right_run_id: str(right, "id"),
    identical,
    status_changed: statusChanged,
    left_status: str(left, "status"),
    right_status: str(right, "status"),
    stage_diffs: stageDiffs,
    tool_diffs: toolDiffs,
    observability_diffs: [],
    transition_count_delta: delta("transitions"),
    artifact_count_delta: delta("artifacts"),
    checkpoint_count_delta: delta("checkpoints"),
  });
}

/** A suite report over cases of (run, fixture, source path, label, comparison). */
export function suiteReport(cases: readonly Dict[]): Dict {
  const passed = cases.filter((c) => c.get("pass") === true).length;
  return Dict.of({
    pass: passed === cases.length,
    total: cases.length,
    passed,
    failed: cases.length - passed,
    cases: [...cases],
  });
}

export function caseReport(
  run: Dict,
  evaluation: Dict,
  extra: { label?: string | null; sourcePath?: string | null; comparison?: Dict | null; failures?: string[] },
): Dict {
  const failures = extra.failures ?? (evaluation.get("failures") as Value[]);
  return Dict.of({
    run_id: str(run, "id"),
    workflow_id: str(run, "workflow_id"),
    label: extra.label ?? null,
    pass: failures.length === 0,
    failures,
    stage_count: evaluation.get("stage_count"),
    source_path: extra.sourcePath ?? null,
    comparison: extra.comparison ?? null,
  });
}
