// The run record a workflow execution builds as it goes (spec: "Run
// records"): stages with their status, outcome, branch, artifacts and
// attempts, transitions between nodes, checkpoints, child runs of
// delegated workers, usage, and metadata describing how the run was
// started. `runValue` gives the `{_type: "run_record", ...}` dict the
// run-record builtins store and load.

import { Dict, type Value } from "../../vm/values.ts";
import { jsonToValue, valueToJson } from "../../llm/json.ts";
import { newId, nowStamp } from "./graph.ts";
import { str } from "./shape.ts";

export interface RunState {
  id: string;
  workflowId: string;
  workflowName: string | null;
  task: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  parentRunId: string | null;
  rootRunId: string | null;
  stages: Dict[];
  transitions: Dict[];
  checkpoints: Dict[];
  pendingNodes: string[];
  completedNodes: string[];
  childRuns: Dict[];
  artifacts: Dict[];
  handoffs: Value[];
  policy: Dict;
  execution: Value;
  transcript: Value;
  usage: Value;
  replayFixture: Value;
  traceSpans: Value[];
  toolRecordings: Value[];
  hitlQuestions: Value[];
  metadata: Map<string, Value>;
  persistedPath: string | null;
}

const list = (d: Dict, k: string): Value[] => {
  const v = d.get(k);
  return Array.isArray(v) ? v : [];
};
const dicts = (d: Dict, k: string): Dict[] => list(d, k).filter((x): x is Dict => x instanceof Dict);
const texts = (d: Dict, k: string): string[] => list(d, k).filter((x): x is string => typeof x === "string");

/** A fresh run for `workflowId`. */
export function newRun(
  workflowId: string,
  workflowName: string | null,
  task: string,
  policy: Dict,
): RunState {
  return {
    id: newId("run"),
    workflowId,
    workflowName,
    task,
    status: "running",
    startedAt: nowStamp(),
    finishedAt: null,
    parentRunId: null,
    rootRunId: null,
    stages: [],
    transitions: [],
    checkpoints: [],
    pendingNodes: [],
    completedNodes: [],
    childRuns: [],
    artifacts: [],
    handoffs: [],
    policy,
    execution: null,
    transcript: null,
    usage: null,
    replayFixture: null,
    traceSpans: [],
    toolRecordings: [],
    hitlQuestions: [],
    metadata: new Map(),
    persistedPath: null,
  };
}

/** A run being resumed from its stored record (already normalized by `run_record`). */
export function runFromRecord(d: Dict): RunState {
  const metadata = d.get("metadata");
  return {
    id: str(d, "id") ?? newId("run"),
    workflowId: str(d, "workflow_id") ?? "",
    workflowName: str(d, "workflow_name"),
    task: str(d, "task") ?? "",
    status: str(d, "status") ?? "running",
    startedAt: str(d, "started_at") ?? nowStamp(),
    finishedAt: str(d, "finished_at"),
    parentRunId: str(d, "parent_run_id"),
    rootRunId: str(d, "root_run_id"),
    stages: dicts(d, "stages"),
    transitions: dicts(d, "transitions"),
    checkpoints: dicts(d, "checkpoints"),
    pendingNodes: texts(d, "pending_nodes"),
    completedNodes: texts(d, "completed_nodes"),
    childRuns: dicts(d, "child_runs"),
    artifacts: dicts(d, "artifacts"),
    handoffs: list(d, "handoffs"),
    policy: d.get("policy") instanceof Dict ? (d.get("policy") as Dict) : new Dict(),
    execution: d.get("execution"),
    transcript: d.get("transcript"),
    usage: d.get("usage"),
    replayFixture: null,
    traceSpans: list(d, "trace_spans"),
    toolRecordings: list(d, "tool_recordings"),
    hitlQuestions: list(d, "hitl_questions"),
    metadata: new Map(metadata instanceof Dict ? metadata.map : []),
    persistedPath: str(d, "persisted_path"),
  };
}

export function runValue(r: RunState): Dict {
  return Dict.of({
    _type: "run_record",
    id: r.id,
    workflow_id: r.workflowId,
    workflow_name: r.workflowName,
    task: r.task,
    status: r.status,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    parent_run_id: r.parentRunId,
    root_run_id: r.rootRunId,
    stages: [...r.stages],
    transitions: [...r.transitions],
    checkpoints: [...r.checkpoints],
    pending_nodes: [...r.pendingNodes],
    completed_nodes: [...r.completedNodes],
    child_runs: [...r.childRuns],
    artifacts: [...r.artifacts],
    handoffs: [...r.handoffs],
    policy: r.policy,
    execution: r.execution,
    transcript: r.transcript,
    usage: r.usage,
    replay_fixture: r.replayFixture,
    observability: null,
    trace_spans: [...r.traceSpans],
    tool_recordings: [...r.toolRecordings],
    hitl_questions: [...r.hitlQuestions],
    metadata: new Dict(new Map(r.metadata)),
    persisted_path: r.persistedPath,
  });
}

/** Records `child` on the run, replacing an earlier record of the same worker. */
export function addChildRun(r: RunState, child: Dict): void {
  r.childRuns = [...r.childRuns.filter((c) => c.get("worker_id") !== child.get("worker_id")), child];
}

/** Appends a checkpoint of the scheduler state. */
export function addCheckpoint(
  r: RunState,
  ready: readonly string[],
  completed: ReadonlySet<string>,
  lastStageId: string | null,
  reason: string,
): void {
  r.pendingNodes = [...ready];
  r.completedNodes = [...completed].sort();
  r.checkpoints.push(
    Dict.of({
      id: newId("checkpoint"),
      ready_nodes: [...r.pendingNodes],
      completed_nodes: [...r.completedNodes],
      last_stage_id: lastStageId,
      persisted_at: nowStamp(),
      reason,
    }),
  );
}

/** A JSON-safe copy of a value (closures become text) for data kept in records. */
export function recordData(v: Value): Value {
  return jsonToValue(valueToJson(v));
}
