// Background agent workers (spec: "Workers"): `spawn_agent(config)` and
// `sub_agent_run(task, {background: true})` start a run that outlives the
// call and return a handle dict; `wait_agent`, `send_input`,
// `worker_trigger`, `close_agent` and `list_agents` drive it. A worker is
// a spawned worker in the DESIGN §4 sense: it gets a fresh scope (the
// spawner's command policy, permissions and execution context, but not
// its execution/approval stacks, session or tool binding) with the policy
// computed at spawn time (spawner's ∩ requested) installed, so it can
// never exceed its spawner. Its state is snapshotted as JSON under
// `.harn/workers/` (or HARN_WORKER_STATE_DIR) unless `carry.persist_state`
// is false. A `carry.retriggerable` worker parks in `awaiting` after each
// run until `worker_trigger` starts the next cycle.

import { v7 as uuidV7 } from "uuid";
import { type CapabilityPolicy, PolicyError } from "../../runtime/policy/capability-policy.ts";
import { push, type TaskContext, top } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError, VmError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type JsonValue, jsonToValue, valueToJson } from "../json.ts";
import { errorText } from "./callbacks.ts";
import { runAgentLoop } from "./loop.ts";
import { agentRuntimeOf } from "./runtime-state.ts";
import { executeSubAgent, newSessionId, type SubAgentSpec } from "./sub-agent.ts";

export type TranscriptMode = "inherit" | "fork" | "reset" | "compact";

export interface CarryPolicy {
  readonly artifactMode: string;
  readonly transcriptMode: TranscriptMode;
  readonly persistState: boolean;
  readonly retriggerable: boolean;
  readonly resumeWorkflow: boolean;
  /** The policy the worker runs under (spawner's ∩ requested), fixed at spawn. */
  policy: CapabilityPolicy | null;
}

/** What one cycle of an external job produced. */
export interface JobOutcome {
  readonly payload: Value;
  readonly transcript: Dict | null;
  readonly artifacts: readonly Dict[];
  /** The run a workflow job recorded (its id and where it was saved). */
  readonly childRunId: string | null;
  readonly childRunPath: string | null;
}

/**
 * A job another layer runs (added for the workflow runtime, which supplies
 * stage and workflow workers): the worker machinery here only schedules,
 * records and snapshots it.
 */
export interface ExternalJob {
  run(w: Worker, ctx: TaskContext, signal: AbortSignal): Promise<JobOutcome>;
  /** Prepares the next cycle for `task` (send_input / worker_trigger). */
  restart(w: Worker, task: string): void;
  /** The job's part of the worker snapshot (`config`, with a `mode`). */
  snapshot(w: Worker): Dict;
  /** The session the job's model turns run in, when it has one. */
  sessionId(): string | null;
}

/**
 * What a worker runs: a sub-agent, one stage node (an agent turn loop with
 * the node's model policy), or a job of another layer (the workflow runtime).
 */
export type WorkerJob =
  | { readonly kind: "sub_agent"; readonly spec: SubAgentSpec }
  | { readonly kind: "stage"; readonly node: Dict; readonly options: Dict }
  | { readonly kind: "external"; readonly job: ExternalJob };

export interface WorkerRequest {
  readonly task: string;
  readonly system: string | null;
  readonly payload: JsonValue;
  readonly researchQuestions: JsonValue[];
  readonly actionItems: JsonValue[];
  readonly workflowStages: JsonValue[];
  readonly verificationSteps: JsonValue[];
}

/** `interrupted`: restored from a snapshot taken while it was still running. */
export type Status = "running" | "awaiting" | "completed" | "failed" | "cancelled" | "interrupted";

export class Worker {
  status: Status = "running";
  readonly createdAt: string;
  startedAt: string;
  finishedAt: string | null = null;
  awaitingStartedAt: string | null = null;
  readonly history: string[];
  latestPayload: Value = null;
  latestError: string | null = null;
  transcript: Dict | null = null;
  /** Artifacts the latest cycle produced (external jobs). */
  artifacts: Dict[] = [];
  /** The run a workflow job recorded, and the stage that delegated the worker. */
  childRunId: string | null = null;
  childRunPath: string | null = null;
  parentStageId: string | null = null;
  abort: AbortController | null = null;
  private settled: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly name: string,
    public task: string,
    readonly mode: string,
    public job: WorkerJob,
    readonly request: WorkerRequest,
    readonly carry: CarryPolicy,
    /** The scope the worker's runs start from (a spawned-worker copy of the spawner's). */
    readonly ctx: TaskContext,
    readonly snapshotPath: string,
    readonly parentSessionId: string | null,
    now: string,
  ) {
    this.createdAt = now;
    this.startedAt = now;
    this.history = [task];
  }

  /** Resolves when the worker leaves running/awaiting (immediately if it already has). */
  whenTerminal(): Promise<void> {
    if (this.status !== "running" && this.status !== "awaiting") return Promise.resolve();
    return new Promise((resolve) => this.settled.push(resolve));
  }

  notify(): void {
    if (this.status === "running" || this.status === "awaiting") return;
    for (const f of this.settled.splice(0)) f();
  }
}

export class WorkerRegistry {
  readonly workers = new Map<string, Worker>();

  get(id: string): Worker {
    const w = this.workers.get(id);
    if (!w) throw runtimeError(`unknown worker: ${id}`);
    return w;
  }
}

const registries = new WeakMap<Vm, WorkerRegistry>();

export function workersOf(vm: Vm): WorkerRegistry {
  let r = registries.get(vm);
  if (!r) {
    r = new WorkerRegistry();
    registries.set(vm, r);
  }
  return r;
}

function items(v: Value | undefined): JsonValue[] {
  if (v === undefined || v === null) return [];
  const j = valueToJson(v);
  return Array.isArray(j) ? j : [j];
}

function firstItems(o: Dict, keys: readonly string[]): JsonValue[] {
  for (const k of keys) {
    const found = items(o.map.get(k));
    if (found.length > 0) return found;
  }
  return [];
}

/** The provenance record of a worker request, from the worker's options (or a stage's metadata). */
export function workerRequest(task: string, system: string | null, o: Dict): WorkerRequest {
  const researchQuestions = firstItems(o, ["research_questions", "questions"]);
  const actionItems = firstItems(o, ["action_items", "actions"]);
  const workflowStages = firstItems(o, ["workflow_stages", "stages"]);
  const verificationSteps = firstItems(o, ["verification_steps", "verification"]);
  const explicit = o.map.get("request");
  let payload: JsonValue = null;
  if (explicit !== undefined && explicit !== null) payload = valueToJson(explicit);
  else {
    const canonical: Record<string, JsonValue> = {};
    if (researchQuestions.length > 0) canonical.research_questions = researchQuestions;
    if (actionItems.length > 0) canonical.action_items = actionItems;
    if (workflowStages.length > 0) canonical.workflow_stages = workflowStages;
    if (verificationSteps.length > 0) canonical.verification_steps = verificationSteps;
    if (Object.keys(canonical).length > 0) payload = canonical;
  }
  return { task, system, payload, researchQuestions, actionItems, workflowStages, verificationSteps };
}

function requestValue(r: WorkerRequest): Dict {
  return Dict.of({
    task: r.task,
    system: r.system,
    payload: jsonToValue(r.payload),
    research_questions: r.researchQuestions.map(jsonToValue),
    action_items: r.actionItems.map(jsonToValue),
    workflow_stages: r.workflowStages.map(jsonToValue),
    verification_steps: r.verificationSteps.map(jsonToValue),
  });
}

export function parseTranscriptMode(v: Value | undefined): TranscriptMode {
  const raw = v instanceof Dict ? v.map.get("mode") : v;
  const mode = raw === undefined || raw === null ? "" : display(raw).trim();
  if (mode === "inherit" || mode === "fork" || mode === "reset" || mode === "compact") return mode;
  throw runtimeError(
    `spawn_agent: carry.transcript_mode must be one of inherit, fork, reset, compact; got \`${mode}\``,
  );
}

export function parseCarryPolicy(o: Dict): CarryPolicy {
  const carry = o.map.get("carry");
  const c = carry instanceof Dict ? carry : new Dict();
  const artifact = c.map.get("artifact_mode") ?? c.map.get("artifacts");
  const transcript = c.map.get("transcript_mode") ?? c.map.get("transcript");
  return {
    artifactMode:
      artifact === undefined || artifact === null || display(artifact) === "" ? "inherit" : display(artifact),
    transcriptMode:
      transcript === undefined || transcript === null ? "inherit" : parseTranscriptMode(transcript),
    persistState: c.map.get("persist_state") !== false,
    retriggerable: c.map.get("retriggerable") === true,
    resumeWorkflow: c.map.get("resume_workflow") !== false,
    policy: null,
  };
}

/** The spawner's execution policy ∩ the requested one (errors name `spawn_agent`, as in the reference). */
export function inheritedWorkerPolicy(
  ctx: TaskContext,
  requested: CapabilityPolicy | null,
): CapabilityPolicy | null {
  const parent = top(ctx.slots.executionPolicies) as CapabilityPolicy | undefined;
  if (parent === undefined) return requested;
  if (requested === null) return parent;
  try {
    return parent.intersect(requested);
  } catch (e) {
    if (e instanceof PolicyError) throw runtimeError(`spawn_agent: ${e.message}`);
    throw e;
  }
}

export const nowIso = (vm: Vm): string =>
  new Date(agentRuntimeOf(vm).files?.now() ?? Date.now()).toISOString();

function jobSessionId(w: Worker): string | null {
  if (w.job.kind === "sub_agent") return w.job.spec.sessionId;
  if (w.job.kind === "external") return w.job.job.sessionId();
  return null;
}

function provenance(w: Worker): Dict {
  return Dict.of({
    worker_id: w.id,
    worker_name: w.name,
    mode: w.mode,
    parent_worker_id: null,
    parent_stage_id: w.parentStageId,
    session_id: jobSessionId(w),
    parent_session_id: w.parentSessionId,
    snapshot_path: w.snapshotPath,
    run_id: w.childRunId,
    run_path: w.childRunPath,
  });
}

/** The handle dict scripts see (`_type: "agent_handle"`). */
export function workerSummary(w: Worker): Dict {
  return Dict.of({
    _type: "agent_handle",
    id: w.id,
    name: w.name,
    task: w.task,
    mode: w.mode,
    status: w.status,
    created_at: w.createdAt,
    started_at: w.startedAt,
    finished_at: w.finishedAt,
    awaiting_started_at: w.awaitingStartedAt,
    history: [...w.history],
    request: requestValue(w.request),
    provenance: provenance(w),
    result: w.latestPayload,
    error: w.latestError,
    artifact_count: w.artifacts.length,
    has_transcript: w.transcript !== null,
    parent_worker_id: null,
    parent_stage_id: w.parentStageId,
    child_run_id: w.childRunId,
    child_run_path: w.childRunPath,
    execution: Dict.of({ cwd: null, env: new Dict(), worktree: null }),
    snapshot_path: w.snapshotPath,
    audit: Dict.of({
      worker_id: w.id,
      execution_kind: w.mode,
      session_id: jobSessionId(w) ?? "",
      parent_session_id: w.parentSessionId,
    }),
  });
}

function jobValue(w: Worker): Dict {
  const job = w.job;
  if (job.kind === "external") return job.job.snapshot(w);
  if (job.kind === "stage") return Dict.of({ mode: "stage", node: job.node });
  const s = job.spec;
  return Dict.of({
    mode: "sub_agent",
    spec: Dict.of({
      name: s.name,
      task: s.task,
      system: s.system,
      options: s.options,
      returns_schema: s.returnsSchema,
      session_id: s.sessionId,
      parent_session_id: s.parentSessionId,
    }),
  });
}

export function persistWorker(vm: Vm, w: Worker): void {
  const files = agentRuntimeOf(vm).files;
  if (!w.carry.persistState || files === null) return;
  const snapshot = Dict.of({
    _type: "worker_snapshot",
    id: w.id,
    name: w.name,
    task: w.task,
    status: w.status,
    created_at: w.createdAt,
    started_at: w.startedAt,
    finished_at: w.finishedAt,
    awaiting_started_at: w.awaitingStartedAt,
    mode: w.mode,
    history: [...w.history],
    config: jobValue(w),
    request: requestValue(w.request),
    latest_payload: w.latestPayload,
    latest_error: w.latestError,
    transcript: w.transcript,
    artifacts: [...w.artifacts],
    parent_stage_id: w.parentStageId,
    child_run_id: w.childRunId,
    child_run_path: w.childRunPath,
    carry_policy: Dict.of({
      artifact_mode: w.carry.artifactMode,
      transcript_mode: w.carry.transcriptMode,
      resume_workflow: w.carry.resumeWorkflow,
      persist_state: w.carry.persistState,
      retriggerable: w.carry.retriggerable,
      policy: w.carry.policy === null ? null : w.carry.policy.toValue(),
    }),
    snapshot_path: w.snapshotPath,
  });
  try {
    files.writeText(w.snapshotPath, JSON.stringify(valueToJson(snapshot), null, 2));
  } catch (e) {
    throw runtimeError(`worker snapshot write error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Runs one cycle of the worker's job; resolves to `{payload, transcript}` (and an external job's extras). */
async function runJob(
  vm: Vm,
  w: Worker,
  signal: AbortSignal,
): Promise<{ payload: Value; transcript: Dict | null } | JobOutcome> {
  const policy = w.carry.policy;
  const ctx =
    policy === null ? w.ctx : w.ctx.with({ executionPolicies: push(w.ctx.slots.executionPolicies, policy) });
  const site = { vm, owner: null, ctx, signal };
  if (w.job.kind === "external") return w.job.job.run(w, ctx, signal);
  if (w.job.kind === "sub_agent") {
    if (w.transcript !== null) {
      const sessions = agentRuntimeOf(vm).sessions;
      sessions.open(w.job.spec.sessionId);
      sessions.store(w.job.spec.sessionId, w.transcript);
    }
    const { envelope, transcript } = await executeSubAgent(site, w.job.spec);
    return { payload: envelope, transcript };
  }
  const result = await runAgentLoop({
    ...site,
    prompt: w.task,
    system: null,
    options: w.job.options,
    builtin: "spawn_agent",
    kind: "spawn_agent",
  });
  const transcript = result.get("transcript");
  return {
    payload: Dict.of({
      status: "completed",
      mode: "stage",
      task: w.task,
      result,
      artifacts: [],
      transcript: transcript instanceof Dict ? transcript : null,
    }),
    transcript: transcript instanceof Dict ? transcript : null,
  };
}

/** Starts (or restarts) the worker's run in the background. */
export function startWorker(vm: Vm, w: Worker): void {
  const controller = new AbortController();
  w.abort = controller;
  w.status = "running";
  persistWorker(vm, w);
  void runJob(vm, w, controller.signal).then(
    (outcome) => {
      if (w.abort !== controller) return;
      w.latestPayload = outcome.payload;
      w.latestError = null;
      w.transcript = outcome.transcript;
      if ("artifacts" in outcome) {
        w.artifacts = [...outcome.artifacts];
        w.childRunId = outcome.childRunId;
        w.childRunPath = outcome.childRunPath;
      }
      if (w.carry.retriggerable) {
        w.status = "awaiting";
        w.finishedAt = null;
        w.awaitingStartedAt = nowIso(vm);
      } else {
        w.status = "completed";
        w.finishedAt = nowIso(vm);
      }
      finishCycle(vm, w);
    },
    (e: unknown) => {
      if (w.abort !== controller) return;
      w.status = e instanceof VmError && e.category === "cancelled" ? "cancelled" : "failed";
      w.finishedAt = nowIso(vm);
      w.latestError = errorText(e);
      finishCycle(vm, w);
    },
  );
}

function finishCycle(vm: Vm, w: Worker): void {
  try {
    persistWorker(vm, w);
  } finally {
    w.notify();
  }
}

/** Prepares the next cycle with a new task, applying the carry policy to the transcript. */
export function restartWorker(vm: Vm, w: Worker, task: string, clearPayload: boolean): void {
  w.task = task;
  w.history.push(task);
  w.startedAt = nowIso(vm);
  w.finishedAt = null;
  w.awaitingStartedAt = null;
  w.latestError = null;
  if (clearPayload) w.latestPayload = null;
  if (w.carry.transcriptMode === "reset") w.transcript = null;
  if (w.job.kind === "external") w.job.job.restart(w, task);
  if (w.job.kind === "sub_agent") {
    const spec = { ...w.job.spec, task };
    if (w.carry.transcriptMode === "fork" || w.carry.transcriptMode === "reset") {
      spec.sessionId = newSessionId("sub_agent_session");
    }
    w.job = { kind: "sub_agent", spec };
  }
}

/** Cancels the worker's current run and marks it cancelled. */
export function closeWorker(vm: Vm, w: Worker): void {
  w.abort?.abort();
  w.abort = null;
  w.status = "cancelled";
  w.finishedAt = nowIso(vm);
  w.awaitingStartedAt = null;
  w.latestError = "worker cancelled";
  finishCycle(vm, w);
}

export function newWorkerId(): string {
  return `worker_${uuidV7()}`;
}
