// The jobs of workflow workers: one stage node (StageJob, mode `stage`)
// or a whole workflow (WorkflowJob, mode `workflow`), run by the agent
// runtime's worker machinery as external jobs. A restarted stage starts
// from the artifacts of its last cycle; a restarted workflow resumes the
// run it recorded (unless `carry.resume_workflow` is false), with the
// worker's transcript carried in.

import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import type { ExternalJob, JobOutcome, Worker } from "../../llm/agent/workers.ts";
import type { TaskContext } from "../../runtime/task-context.ts";
import type { BuiltinContext, Value } from "../../vm/values.ts";
import { Dict } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { RecordEnv } from "../orchestration/artifacts.ts";
import type { SystemHost } from "../system/host.ts";
import { executeWorkflow } from "./execute.ts";
import { graphValue, type WorkflowGraph } from "./graph.ts";
import { dict, nonEmpty, str } from "./shape.ts";
import { executeStageNode } from "./stage-node.ts";
import type { Delegate } from "./stage-run.ts";
import type { StageSite } from "./stage-site.ts";

/** What the worker jobs need from the VM that started them. */
export interface WorkerServices {
  readonly vm: Vm;
  readonly system: SystemHost;
  readonly records: RecordEnv;
  /** The builtin call that created the worker (path resolution, record builtins). */
  readonly caller: BuiltinContext;
}

const SESSION_KEY = "worker_session_id";

/** `node` with its worker session pinned (an explicit `model_policy.session_id` wins). */
export function withWorkerSession(node: Dict, workerId: string, nodeId: string): Dict {
  if (nonEmpty(dict(node, "model_policy"), "session_id") !== null) return node;
  if (nonEmpty(dict(node, "metadata"), SESSION_KEY) !== null) return node;
  const session = `worker_session_${workerId}_${nodeId}`;
  return node
    .with("metadata", dict(node, "metadata").with(SESSION_KEY, session))
    .with("model_policy", dict(node, "model_policy").with("session_id", session));
}

function nodeSession(node: Dict): string | null {
  return nonEmpty(dict(node, "model_policy"), "session_id") ?? nonEmpty(dict(node, "metadata"), SESSION_KEY);
}

function site(s: WorkerServices, ctx: TaskContext, signal: AbortSignal): StageSite {
  return { vm: s.vm, owner: null, ctx, signal, caller: s.caller, system: s.system, records: s.records };
}

/** Artifacts a worker's next cycle starts from (carry `artifact_mode: "none"` drops them). */
function carriedArtifacts(w: Worker, current: Dict[]): Dict[] {
  if (w.carry.artifactMode === "none") return [];
  return w.artifacts.length > 0 ? [...w.artifacts] : current;
}

/** One stage node as a worker job. */
export class StageJob implements ExternalJob {
  constructor(
    private readonly services: WorkerServices,
    private readonly node: Dict,
    private artifacts: Dict[],
    private readonly seedTranscript: Value,
  ) {}

  sessionId(): string | null {
    return nodeSession(this.node);
  }

  async run(w: Worker, ctx: TaskContext, signal: AbortSignal): Promise<JobOutcome> {
    const prior = w.transcript ?? (this.seedTranscript instanceof Dict ? this.seedTranscript : null);
    const session = this.sessionId();
    if (prior !== null && session !== null) {
      const sessions = agentRuntimeOf(this.services.vm).sessions;
      sessions.open(session);
      sessions.store(session, prior);
    }
    const out = await executeStageNode(
      site(this.services, ctx, signal),
      "delegated_worker",
      this.node,
      w.task,
      this.artifacts,
    );
    return {
      payload: Dict.of({
        status: "completed",
        mode: "stage",
        task: w.task,
        result: out.result,
        artifacts: out.produced,
        transcript: out.transcript,
        execution: executionValue(),
      }),
      transcript: out.transcript,
      artifacts: out.produced,
      childRunId: null,
      childRunPath: null,
    };
  }

  restart(w: Worker): void {
    this.artifacts = carriedArtifacts(w, this.artifacts);
  }

  snapshot(): Dict {
    return Dict.of({
      mode: "stage",
      node: this.node,
      artifacts: this.artifacts,
      transcript: this.seedTranscript,
    });
  }
}

/** A whole workflow as a worker job; a restarted cycle resumes the run it recorded. */
export class WorkflowJob implements ExternalJob {
  constructor(
    private readonly services: WorkerServices,
    private readonly graph: WorkflowGraph,
    private artifacts: Dict[],
    private options: Dict,
    private readonly delegate: Delegate,
  ) {}

  sessionId(): string | null {
    return null;
  }

  async run(w: Worker, ctx: TaskContext, signal: AbortSignal): Promise<JobOutcome> {
    const options = this.options.with("execution", executionValue()).with("delegated", true);
    const result = await executeWorkflow({
      site: site(this.services, ctx, signal),
      task: w.task,
      graph: this.graph,
      artifacts: this.artifacts,
      options,
      delegate: this.delegate,
    });
    const run = result.get("run");
    const transcript = result.get("transcript");
    const produced = result.get("artifacts");
    return {
      payload: result,
      transcript: transcript instanceof Dict ? transcript : null,
      artifacts: Array.isArray(produced) ? produced.filter((a): a is Dict => a instanceof Dict) : [],
      childRunId: run instanceof Dict ? str(run, "id") : null,
      childRunPath: str(result, "path"),
    };
  }

  restart(w: Worker): void {
    this.artifacts = carriedArtifacts(w, this.artifacts);
    let options = this.options.with("parent_worker_id", w.id);
    options =
      w.transcript === null ? without(options, "transcript") : options.with("transcript", w.transcript);
    options =
      w.carry.resumeWorkflow && w.childRunPath !== null
        ? options.with("resume_path", w.childRunPath)
        : without(options, "resume_path");
    this.options = options;
  }

  snapshot(): Dict {
    return Dict.of({
      mode: "workflow",
      graph: graphValue(this.graph),
      artifacts: this.artifacts,
      options: this.options,
    });
  }
}

export function without(d: Dict, key: string): Dict {
  const m = new Map(d.map);
  m.delete(key);
  return new Dict(m);
}

/** The execution profile a worker reports (no separate cwd or worktree here). */
export function executionValue(): Dict {
  return Dict.of({ cwd: null, env: new Dict(), worktree: null });
}

/** A graph whose every node runs in the worker's own session. */
export function workerGraph(g: WorkflowGraph, workerId: string): WorkflowGraph {
  const nodes = new Map([...g.nodes].map(([id, node]) => [id, withWorkerSession(node, workerId, id)]));
  return { ...g, nodes };
}
