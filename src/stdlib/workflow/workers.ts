// Workers that run workflow work (spec: "Workers"): `spawn_agent({node})`
// runs one stage node (mode `stage`) and `spawn_agent({graph})` a whole
// workflow (mode `workflow`) in the background; a graph's `subagent`
// nodes run as a delegated worker the stage waits for. They are ordinary
// workers of the agent runtime (wait_agent, send_input, close_agent,
// list_agents, resume_agent all apply) whose job is supplied from here.
// Each stage of a worker gets its own session
// (`worker_session_<worker>_<node>`), so a resumed or re-triggered worker
// continues its conversation.

import { v7 as uuidV7 } from "uuid";
import { restoreWorker } from "../../llm/agent/worker-restore.ts";
import {
  type CarryPolicy,
  type ExternalJob,
  newWorkerId,
  parseCarryPolicy,
  startWorker,
  Worker,
  workerRequest,
  workersOf,
  workerSummary,
} from "../../llm/agent/workers.ts";
import type { TaskContext } from "../../runtime/task-context.ts";
import { contextOf, top } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, type BuiltinFn, Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { workerPolicy } from "../agents/worker-builtins.ts";
import { parseJson } from "../data/json-codec.ts";
import { normalizeArtifact, normalizeArtifactList, type RecordEnv } from "../orchestration/artifacts.ts";
import type { SystemHost } from "../system/host.ts";
import { readEnv, resolveFsPath } from "../system/locations.ts";
import { normalizeNode, normalizeWorkflow } from "./graph.ts";
import { dict, nonEmpty, str } from "./shape.ts";
import type { StageOutput } from "./stage-node.ts";
import type { Delegate } from "./stage-run.ts";
import {
  executionValue,
  StageJob,
  type WorkerServices,
  WorkflowJob,
  without,
  withWorkerSession,
  workerGraph,
} from "./worker-jobs.ts";

function stateDir(s: WorkerServices): string {
  return readEnv(s.caller, s.system, "HARN_WORKER_STATE_DIR") || ".harn/workers";
}

function newWorker(
  s: WorkerServices,
  id: string,
  name: string,
  task: string,
  mode: string,
  job: ExternalJob,
  request: ReturnType<typeof workerRequest>,
  carry: CarryPolicy,
  ctx: TaskContext,
): Worker {
  const now = new Date(s.system.nowMs()).toISOString();
  const w = new Worker(
    id,
    name,
    task,
    mode,
    { kind: "external", job },
    request,
    carry,
    ctx,
    `${stateDir(s)}/${id}.json`,
    (top(ctx.slots.agentSessions) as string | undefined) ?? null,
    now,
  );
  workersOf(s.vm).workers.set(id, w);
  return w;
}

/** `spawn_agent` for `graph` and `node` configs; other configs go to `fallback`. */
function spawnWorkflowWorker(
  services: (ctx: BuiltinContext) => WorkerServices,
  delegate: Delegate,
  fallback: BuiltinFn,
): BuiltinFn {
  return (args, ctx) => {
    const config = args[0];
    if (!(config instanceof Dict) || (config.get("graph") === null && config.get("node") === null)) {
      return fallback(args, ctx);
    }
    const task = config.get("task") === null ? "" : display(config.get("task"));
    if (task === "") throw runtimeError("spawn_agent: config.task is required");
    const name =
      config.get("name") === null || display(config.get("name")) === ""
        ? "worker"
        : display(config.get("name"));
    const s = services(ctx);
    const callerCtx = contextOf(ctx.task);
    const carry = parseCarryPolicy(config);
    carry.policy = workerPolicy(config, callerCtx);
    const id = newWorkerId();
    const artifacts = normalizeArtifactList(config.get("artifacts"), s.records, "spawn_agent");
    let w: Worker;
    if (config.get("graph") !== null) {
      const graph = workerGraph(normalizeWorkflow(config.get("graph"), "spawn_agent"), id);
      const options = config.get("options") instanceof Dict ? (config.get("options") as Dict) : new Dict();
      const job = new WorkflowJob(s, graph, artifacts, options, delegate);
      w = newWorker(
        s,
        id,
        name,
        task,
        "workflow",
        job,
        workerRequest(task, null, options),
        carry,
        callerCtx.forSpawnedWorker(),
      );
    } else {
      let node = normalizeNode(config.get("node"), "stage", "spawn_agent node");
      if (config.get("permissions") !== null) {
        node = node.with(
          "model_policy",
          dict(node, "model_policy").with("permissions", config.get("permissions")),
        );
      }
      node = withWorkerSession(node, id, str(node, "id") ?? "stage");
      const job = new StageJob(s, node, artifacts, config.get("transcript"));
      const request = workerRequest(task, str(node, "system"), dict(node, "metadata"));
      w = newWorker(s, id, name, task, "stage", job, request, carry, callerCtx.forSpawnedWorker());
    }
    startWorker(s.vm, w);
    if (config.get("wait") !== true) return workerSummary(w);
    return w.whenTerminal().then(() => workerSummary(w));
  };
}

/** Rebuilds stage and workflow jobs from a worker snapshot's config. */
function restoreJob(s: WorkerServices, delegate: Delegate) {
  return (config: Dict, workerId: string): ExternalJob | null => {
    const artifacts = normalizeArtifactList(config.get("artifacts"), s.records, "resume_agent");
    if (config.get("mode") === "stage") {
      const node = withWorkerSession(
        normalizeNode(config.get("node"), "stage", "resume_agent node"),
        workerId,
        "stage",
      );
      return new StageJob(s, node, artifacts, config.get("transcript"));
    }
    if (config.get("mode") === "workflow") {
      const graph = workerGraph(normalizeWorkflow(config.get("graph"), "resume_agent"), workerId);
      const options = config.get("options") instanceof Dict ? (config.get("options") as Dict) : new Dict();
      return new WorkflowJob(s, graph, artifacts, options, delegate);
    }
    return null;
  };
}

function resumeAgent(services: (ctx: BuiltinContext) => WorkerServices, delegate: Delegate): BuiltinFn {
  return (args, ctx) => {
    const target = args[0] === undefined || args[0] === null ? "" : display(args[0]);
    if (target === "") throw runtimeError("resume_agent: missing worker id or snapshot path");
    const s = services(ctx);
    const path = target.endsWith(".json") || target.includes("/") ? target : `${stateDir(s)}/${target}.json`;
    let text: string;
    try {
      text = s.system.readText(resolveFsPath(ctx, s.system, path));
    } catch (e) {
      throw runtimeError(
        `resume_agent: worker snapshot read error: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    let snapshot: Value;
    try {
      snapshot = parseJson(text);
    } catch (e) {
      throw runtimeError(
        `resume_agent: worker snapshot parse error: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (!(snapshot instanceof Dict))
      throw runtimeError("resume_agent: worker snapshot parse error: expected a JSON object");
    const w = restoreWorker(
      s.vm,
      snapshot.with("snapshot_path", path),
      contextOf(ctx.task).forSpawnedWorker(),
      restoreJob(s, delegate),
    );
    return workerSummary(w);
  };
}

/** The `worker_result` artifact a delegated stage adds after the worker's own artifacts. */
function workerResultArtifact(
  nodeId: string,
  w: Worker,
  result: Dict,
  inputs: readonly Dict[],
  records: RecordEnv,
): Dict {
  const summary = [result.get("result"), result.get("visible_text"), result.get("text")].find(
    (v): v is string => typeof v === "string",
  );
  const handle = workerSummary(w);
  return normalizeArtifact(
    Dict.of({
      id: `${nodeId}_worker_result_${uuidV7()}`,
      kind: "worker_result",
      title: `worker result ${w.name}`,
      text: summary === undefined || summary === "" ? null : summary,
      data: Dict.of({
        worker_id: w.id,
        worker_name: w.name,
        request: handle.get("request"),
        provenance: handle.get("provenance"),
        execution: executionValue(),
        payload: compactPayload(result),
        produced_artifact_ids: w.artifacts.map((a) => a.get("id")),
      }),
      source: nodeId,
      freshness: "fresh",
      priority: 95,
      lineage: inputs.map((a) => a.get("id")),
      relevance: new HFloat(1),
      stage: nodeId,
      metadata: Dict.of({ worker_id: w.id, worker_name: w.name, delegated: true }),
    }),
    records,
  );
}

/** A worker payload without transcripts and artifacts (those are recorded elsewhere in the run). */
function compactPayload(payload: Dict): Dict {
  let out = without(without(payload, "transcript"), "artifacts");
  const inner = out.get("result");
  if (inner instanceof Dict) out = out.with("result", without(without(inner, "transcript"), "artifacts"));
  return out.with("payload_compacted", true);
}

/** Runs a `subagent` node as a worker (mode `delegated_stage`) and waits for it. */
export function delegatedStage(records: RecordEnv): Delegate {
  return async (stageSite, nodeId, node, task, artifacts, transcript): Promise<StageOutput> => {
    const s: WorkerServices = {
      vm: stageSite.vm,
      system: stageSite.system,
      records,
      caller: stageSite.caller,
    };
    const id = newWorkerId();
    const name = nonEmpty(dict(node, "metadata"), "worker_name") ?? nodeId;
    const stageNode = withWorkerSession(node.with("kind", "stage"), id, nodeId);
    const job = new StageJob(s, stageNode, [...artifacts], transcript);
    const carry: CarryPolicy = {
      artifactMode: "inherit",
      transcriptMode: "inherit",
      persistState: true,
      retriggerable: false,
      resumeWorkflow: true,
      policy: null,
    };
    const request = workerRequest(task, str(node, "system"), dict(node, "metadata"));
    const w = newWorker(s, id, name, task, "delegated_stage", job, request, carry, stageSite.ctx);
    w.parentStageId = nodeId;
    startWorker(s.vm, w);
    await w.whenTerminal();
    if (w.status !== "completed")
      throw runtimeError(w.latestError ?? `delegated stage ${nodeId} ${w.status}`);
    const payload = w.latestPayload instanceof Dict ? w.latestPayload : new Dict();
    const result = payload.with("worker", workerSummary(w));
    const marked = w.artifacts.map((a) =>
      a.with(
        "metadata",
        dict(a, "metadata").with("worker_id", id).with("worker_name", name).with("delegated", true),
      ),
    );
    return {
      result,
      produced: [...marked, workerResultArtifact(nodeId, w, result, artifacts, records)],
      transcript: w.transcript,
    };
  };
}

/** Installs spawn_agent for graph/node configs (wrapping the agent runtime's) and resume_agent. */
export function registerWorkflowWorkers(
  vm: Vm,
  system: SystemHost,
  records: RecordEnv,
  delegate: Delegate,
): void {
  const services = (caller: BuiltinContext): WorkerServices => ({ vm, system, records, caller });
  const original = vm.builtins.get("spawn_agent");
  const fallback: BuiltinFn =
    original?.fn ??
    (() => {
      throw runtimeError("spawn_agent: the agent runtime is not installed");
    });
  vm.registerBuiltin("spawn_agent", spawnWorkflowWorker(services, delegate, fallback));
  vm.registerBuiltin("resume_agent", resumeAgent(services, delegate));
}
