// `resume_agent(snapshot_path)`: a worker rebuilt from the JSON snapshot
// persistWorker wrote (added with the workflow runtime). Sub-agent jobs are
// rebuilt here; stage and workflow jobs belong to the workflow runtime,
// which passes a function that rebuilds them from their config.

import { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import type { TaskContext } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type JsonValue, valueToJson } from "../json.ts";
import { newSessionId } from "./sub-agent.ts";
import {
  type CarryPolicy,
  type ExternalJob,
  nowIso,
  parseTranscriptMode,
  persistWorker,
  type Status,
  Worker,
  type WorkerJob,
  type WorkerRequest,
  workersOf,
} from "./workers.ts";

const text = (d: Dict, k: string): string | null => {
  const v = d.get(k);
  return typeof v === "string" ? v : null;
};
const list = (d: Dict, k: string): Value[] => {
  const v = d.get(k);
  return Array.isArray(v) ? v : [];
};
const dictAt = (d: Dict, k: string): Dict => (d.get(k) instanceof Dict ? (d.get(k) as Dict) : new Dict());

function requestFrom(d: Dict, task: string): WorkerRequest {
  const json = (k: string): JsonValue[] => list(d, k).map(valueToJson);
  return {
    task: text(d, "task") ?? task,
    system: text(d, "system"),
    payload: valueToJson(d.get("payload")),
    researchQuestions: json("research_questions"),
    actionItems: json("action_items"),
    workflowStages: json("workflow_stages"),
    verificationSteps: json("verification_steps"),
  };
}

function carryFrom(d: Dict): CarryPolicy {
  const policy = d.get("policy");
  const mode = text(d, "transcript_mode") ?? "inherit";
  return {
    artifactMode: text(d, "artifact_mode") ?? "inherit",
    transcriptMode: parseTranscriptMode(mode),
    persistState: d.get("persist_state") !== false,
    retriggerable: d.get("retriggerable") === true,
    resumeWorkflow: d.get("resume_workflow") !== false,
    policy: policy instanceof Dict ? CapabilityPolicy.fromValue(policy) : null,
  };
}

function subAgentFrom(config: Dict): WorkerJob {
  const spec = dictAt(config, "spec");
  return {
    kind: "sub_agent",
    spec: {
      name: text(spec, "name") ?? "sub-agent",
      task: text(spec, "task") ?? "",
      system: text(spec, "system"),
      options: dictAt(spec, "options"),
      returnsSchema: spec.get("returns_schema"),
      sessionId: text(spec, "session_id") ?? newSessionId("sub_agent_session"),
      parentSessionId: text(spec, "parent_session_id"),
    },
  };
}

const STATUSES: readonly string[] = ["awaiting", "completed", "failed", "cancelled", "interrupted"];

/**
 * The worker a snapshot describes, registered and ready for send_input.
 * Sub-agent jobs are rebuilt here; `external` rebuilds the jobs of other
 * layers from their config (null when it does not know the mode).
 */
export function restoreWorker(
  vm: Vm,
  snapshot: Dict,
  ctx: TaskContext,
  external: (config: Dict, workerId: string) => ExternalJob | null,
): Worker {
  const id = text(snapshot, "id");
  if (id === null || id === "") throw runtimeError("resume_agent: worker snapshot is missing its id");
  const config = dictAt(snapshot, "config");
  const mode = text(config, "mode") ?? "";
  const outside = mode === "sub_agent" ? null : external(config, id);
  if (mode !== "sub_agent" && outside === null) {
    throw runtimeError("worker snapshot is missing a valid config mode");
  }
  const task = text(snapshot, "task") ?? "";
  const job: WorkerJob = outside === null ? subAgentFrom(config) : { kind: "external", job: outside };
  const created = text(snapshot, "created_at") ?? nowIso(vm);
  const w = new Worker(
    id,
    text(snapshot, "name") ?? "worker",
    task,
    text(snapshot, "mode") ?? mode,
    job,
    requestFrom(dictAt(snapshot, "request"), task),
    carryFrom(dictAt(snapshot, "carry_policy")),
    ctx,
    text(snapshot, "snapshot_path") ?? "",
    job.kind === "sub_agent" ? job.spec.parentSessionId : null,
    created,
  );
  const status = text(snapshot, "status") ?? "completed";
  // A snapshot taken mid-run has nothing running any more.
  w.status = (STATUSES.includes(status) ? status : "interrupted") as Status;
  w.startedAt = text(snapshot, "started_at") ?? created;
  w.finishedAt = text(snapshot, "finished_at");
  w.awaitingStartedAt = text(snapshot, "awaiting_started_at");
  w.history.splice(0, w.history.length, ...list(snapshot, "history").map((h) => display(h)));
  w.latestPayload = snapshot.get("latest_payload");
  w.latestError = text(snapshot, "latest_error");
  w.transcript = snapshot.get("transcript") instanceof Dict ? (snapshot.get("transcript") as Dict) : null;
  w.artifacts = list(snapshot, "artifacts").filter((a): a is Dict => a instanceof Dict);
  w.parentStageId = text(snapshot, "parent_stage_id");
  w.childRunId = text(snapshot, "child_run_id");
  w.childRunPath = text(snapshot, "child_run_path");
  workersOf(vm).workers.set(id, w);
  persistWorker(vm, w);
  return w;
}
