// `workflow_execute(task, graph, artifacts?, options?)` (spec: "Workflow
// execution"): validate the graph under the host ceiling, then run ready
// nodes one at a time from the entry, following the edges for each
// stage's branch, until nothing is ready or `max_steps` stages ran (the
// run is then `paused`). Each stage runs under the intersection of the
// host ceiling, the graph's and the node's policies and its tools, and
// consumes one unit of the nested execution budget. The run record is
// checkpointed and saved after the start, every stage and the end, so
// `resume_path`/`resume_run` continue an interrupted run and
// `replay_run` with `replay_mode: "deterministic"` replays a recorded one
// stage by stage without calling a model.

import { v7 as uuidV7 } from "uuid";
import { approvalPolicyValue, intersectApproval, parseApprovalPolicy } from "../../llm/agent/approval.ts";
import {
  type DescentSink,
  enterNestedExecution,
  NestedBudgetExhausted,
} from "../../runtime/budget/nested-budget.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { childRunFromWorker } from "../../runtime/workflow/child-runs.ts";
import { CapabilityPolicy, PolicyError } from "../../runtime/policy/capability-policy.ts";
import { push, type Stack, type TaskContext, top } from "../../runtime/task-context.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { readEnv } from "../system/locations.ts";
import { joinPath } from "../system/path-text.ts";
import { nextEdges, nowStamp, type WorkflowGraph } from "./graph.ts";
import { replayStage } from "./replay.ts";
import { configureRun, optionText } from "./run-setup.ts";
import {
  addCheckpoint,
  addChildRun,
  newRun,
  recordData,
  type RunState,
  runFromRecord,
  runValue,
} from "./run-state.ts";
import { dict, int, str } from "./shape.ts";
import { type Delegate, type ExecutedStage, executeStage } from "./stage-run.ts";
import { callBuiltin, type StageSite, withContext } from "./stage-site.ts";
import { filterTools, toolsPolicy } from "./tool-policy.ts";
import { usageDelta, usageSnapshot } from "./usage.ts";
import { builtinCeiling, validateWorkflow } from "./validate.ts";
import { graphContracts, withGraphContracts } from "./verification.ts";

function loadRun(site: StageSite, options: Dict, pathKey: string, runKey: string): RunState | null {
  const path = optionText(options, pathKey);
  if (path !== null) return runFromRecord(callBuiltin(site, "run_record_load", [path]) as Dict);
  const given = options.get(runKey);
  if (given === null) return null;
  return runFromRecord(callBuiltin(site, "run_record", [given]) as Dict);
}

function defaultPersistPath(site: StageSite): string {
  const dir = readEnv(site.caller, site.system, "HARN_RUN_DIR")?.trim() || ".harn-runs";
  return joinPath(dir, `${uuidV7()}.json`);
}

/** Node settings the caller's options fill in where the node leaves them unset. */
function withRuntimeOverrides(node: Dict, options: Dict): Dict {
  let model = dict(node, "model_policy");
  for (const [key, from] of [
    ["provider", ["provider"]],
    ["model", ["model"]],
    ["model_tier", ["model_tier", "tier"]],
  ] as const) {
    const value = from.map((k) => optionText(options, k)).find((v) => v !== null) ?? null;
    if (model.get(key) === null && value !== null) model = model.with(key, value);
  }
  for (const key of ["temperature", "max_tokens"]) {
    if (model.get(key) === null && options.get(key) !== null) model = model.with(key, options.get(key));
  }
  let out = node.with("model_policy", model);
  const mode = optionText(options, "mode");
  if (out.get("mode") === null && mode !== null) out = out.with("mode", mode);
  const allowed = CapabilityPolicy.fromValue(out.get("capability_policy")).tools;
  if (allowed.length > 0) out = out.with("tools", filterTools(out.get("tools"), allowed));
  return out;
}

function intersectAll(policies: readonly CapabilityPolicy[]): CapabilityPolicy {
  try {
    return policies.reduce((acc, p) => acc.intersect(p));
  } catch (e) {
    if (e instanceof PolicyError) throw runtimeError(`workflow_execute: ${e.message}`);
    throw e;
  }
}

function stageContext(
  descents: DescentSink,
  base: TaskContext,
  g: WorkflowGraph,
  node: Dict,
  nodeId: string,
): { ctx: TaskContext; policy: CapabilityPolicy } {
  const policy = intersectAll([
    builtinCeiling(),
    g.capabilityPolicy,
    CapabilityPolicy.fromValue(node.get("capability_policy")),
    toolsPolicy(node.get("tools")),
  ]);
  // A stage never widens what its caller may do: the caller's ceiling binds it too.
  const current = top(base.slots.executionPolicies) as CapabilityPolicy | undefined;
  const bound = current === undefined ? policy : intersectAll([current, policy]);
  const withPolicy = push(base.slots.executionPolicies, bound);
  let entered: Stack<unknown>;
  try {
    entered = enterNestedExecution(withPolicy, null, "workflow_stage", nodeId, descents).policies;
  } catch (e) {
    if (e instanceof NestedBudgetExhausted) throw e.toVmError();
    throw e;
  }
  const approvalTop = top(base.slots.approvalPolicies) as Value | undefined;
  const approval = intersectApproval(
    intersectApproval(parseApprovalPolicy(approvalTop ?? null), parseApprovalPolicy(g.approvalPolicy)),
    parseApprovalPolicy(node.get("approval_policy")),
  );
  const ctx = base.with({
    executionPolicies: entered,
    approvalPolicies: push(base.slots.approvalPolicies, approvalPolicyValue(approval)),
  });
  return { ctx, policy: bound };
}

function stageMetadata(node: Dict, executed: ExecutedStage, policy: CapabilityPolicy): Dict {
  const m = new Map<string, Value>();
  for (const key of [
    "model_policy",
    "auto_compact",
    "context_policy",
    "retry_policy",
    "input_contract",
    "output_contract",
  ]) {
    m.set(key, recordData(node.get(key)));
  }
  if (node.get("output_visibility") !== null) m.set("output_visibility", node.get("output_visibility"));
  m.set("effective_capability_policy", policy.toValue());
  const worker = executed.result.get("worker");
  if (worker instanceof Dict) {
    m.set("worker", worker);
    if (worker.get("id") !== null) m.set("worker_id", worker.get("id"));
  }
  if (executed.error !== null) m.set("error", executed.error);
  for (const key of [
    "prompt",
    "system_prompt",
    "rendered_context",
    "verification_contracts",
    "rendered_verification_context",
    "selected_artifact_ids",
    "selected_artifact_titles",
  ]) {
    const v = executed.result.get(key);
    if (v !== null) m.set(key, v);
  }
  const tools = executed.result.get("tools");
  if (tools instanceof Dict && tools.get("mode") !== null) m.set("tool_calling_mode", tools.get("mode"));
  return new Dict(m);
}

function stageRecord(
  stageId: string,
  nodeId: string,
  node: Dict,
  executed: ExecutedStage,
  startedAt: string,
  policy: CapabilityPolicy,
): Dict {
  const text = executed.result.get("visible_text") ?? executed.result.get("text");
  const reasoning = executed.result.get("private_reasoning");
  return Dict.of({
    id: stageId,
    node_id: nodeId,
    kind: node.get("kind"),
    status: executed.status,
    outcome: executed.outcome,
    branch: executed.branch,
    started_at: startedAt,
    finished_at: nowStamp(),
    visible_text: typeof text === "string" ? text : null,
    private_reasoning: typeof reasoning === "string" ? reasoning : null,
    transcript: executed.transcript,
    verification: executed.verification,
    usage: executed.usage,
    artifacts: executed.artifacts,
    consumed_artifact_ids: executed.consumedArtifactIds,
    produced_artifact_ids: executed.artifacts.map((a) => a.get("id")),
    attempts: executed.attempts,
    metadata: stageMetadata(node, executed, policy),
  });
}

/** Whether a join node may run: enough of its inputs have completed. */
function joinReady(g: WorkflowGraph, nodeId: string, node: Dict, completed: ReadonlySet<string>): boolean {
  const incoming = g.edges.filter((e) => e.to === nodeId).map((e) => e.from);
  const join = dict(node, "join_policy");
  const required =
    int(join, "min_completed") ??
    (join.get("require_all_inputs") === true || str(join, "strategy") === "all" ? incoming.length : 1);
  return incoming.filter((i) => completed.has(i)).length >= required;
}

function enqueue(queue: string[], id: string): void {
  if (!queue.includes(id)) queue.push(id);
}

export interface WorkflowRun {
  readonly site: StageSite;
  readonly task: string;
  readonly graph: WorkflowGraph;
  readonly artifacts: readonly Dict[];
  readonly options: Dict;
  readonly delegate: Delegate;
}

/** Runs the workflow; resolves to `{status, run, artifacts, transcript, path}`. */
export async function executeWorkflow(input: WorkflowRun): Promise<Dict> {
  const { site, task, graph: g, options, delegate } = input;
  const report = validateWorkflow(g, builtinCeiling());
  if (!report.valid) throw runtimeError(`workflow_execute: invalid workflow: ${report.errors.join("; ")}`);
  const contracts = graphContracts(g.nodes, (p) => site.system.readText(p));
  const runUsageBefore = usageSnapshot(site.vm);
  const resumed = loadRun(site, options, "resume_path", "resume_run");
  const replaySource = loadRun(site, options, "replay_path", "replay_run");
  const replayMode = optionText(options, "replay_mode");
  const persistPath =
    optionText(options, "persist_path") ?? optionText(options, "resume_path") ?? defaultPersistPath(site);
  const run = resumed ?? newRun(g.id, g.name, task, builtinCeiling().toValue());
  configureRun(run, input, report, resumed !== null, replayMode, replaySource);
  let transcript = run.transcript instanceof Dict ? run.transcript : null;
  let artifacts = run.artifacts.length > 0 ? [...run.artifacts] : [...input.artifacts];
  run.artifacts = [...artifacts];
  const ready = run.pendingNodes.length === 0 ? [g.entry] : [...run.pendingNodes];
  const completed = new Set(run.completedNodes);
  const replayStages = replaySource === null ? null : [...replaySource.stages];
  const maxSteps = Math.max(1, int(options, "max_steps") ?? g.nodes.size * 4);
  run.metadata.set("max_steps", maxSteps);
  const base = baseContext(site, options);
  const save = (reason: string, lastStageId: string | null): Dict => {
    addCheckpoint(run, ready, completed, lastStageId, reason);
    const saved = callBuiltin(site, "run_record_save", [runValue(run), persistPath]) as Dict;
    run.persistedPath = str(saved, "path");
    return saved;
  };
  save("start", null);
  let steps = 0;
  while (steps < maxSteps && ready.length > 0) {
    if (site.signal.aborted) throw runtimeError("workflow_execute: cancelled");
    steps++;
    const current = ready.shift()!;
    const raw = g.nodes.get(current);
    if (raw === undefined) throw runtimeError(`workflow_execute: missing node ${current}`);
    if (str(raw, "kind") === "join" && !joinReady(g, current, raw, completed)) {
      enqueue(ready, current);
      continue;
    }
    const node = withGraphContracts(withRuntimeOverrides(raw, options), contracts);
    const stageId = `${run.id}:${current}:${run.stages.length + 1}`;
    const startedAt = nowStamp();
    const scoped = stageContext((d) => agentRuntimeOf(site.vm).descents.push(d), base, g, node, current);
    const executed =
      replayMode === "deterministic"
        ? replayStage(current, replayStages)
        : await executeStage(
            withContext(site, scoped.ctx),
            delegate,
            task,
            current,
            node,
            artifacts,
            transcript,
          );
    transcript = executed.transcript;
    artifacts = [...artifacts, ...executed.artifacts];
    run.artifacts = [...artifacts];
    run.transcript = transcript;
    run.stages.push(stageRecord(stageId, current, node, executed, startedAt, scoped.policy));
    const child = childRunFromWorker(stageId, executed.result.get("worker"));
    if (child !== null) addChildRun(run, child);
    completed.add(current);
    for (const edge of nextEdges(g, current, executed.branch)) {
      enqueue(ready, edge.to);
      run.transitions.push(
        Dict.of({
          id: uuidV7(),
          from_stage_id: stageId,
          from_node_id: current,
          to_node_id: edge.to,
          branch: edge.branch,
          timestamp: nowStamp(),
          consumed_artifact_ids: executed.consumedArtifactIds,
          produced_artifact_ids: executed.artifacts.map((a) => a.get("id")),
        }),
      );
    }
    save("stage_complete", stageId);
  }
  run.status = ready.length === 0 ? "completed" : "paused";
  run.finishedAt = nowStamp();
  run.usage = usageDelta(runUsageBefore, usageSnapshot(site.vm));
  run.replayFixture = callBuiltin(site, "run_record_fixture", [runValue(run)]);
  const saved = save("finalize", null);
  return Dict.of({
    status: run.status,
    run: saved.get("run"),
    artifacts: [...artifacts],
    transcript,
    path: saved.get("path"),
  });
}

/** The caller's scope plus the workflow-level skills every stage (and its sub-agents) should see. */
function baseContext(site: StageSite, options: Dict): TaskContext {
  const registry = skillRegistry(options.get("skills"));
  const match = options.get("skill_match");
  if (registry === null && match === null) return site.ctx;
  return site.ctx.with({ workflowSkills: Dict.of({ registry, match }) });
}

/** A skill registry, or a list of skill entries wrapped as one; anything else is ignored. */
function skillRegistry(v: Value): Value {
  if (v instanceof Dict && v.get("_type") === "skill_registry") return v;
  if (Array.isArray(v)) return Dict.of({ _type: "skill_registry", skills: v });
  return null;
}
