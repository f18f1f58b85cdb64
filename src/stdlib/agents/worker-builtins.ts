// `sub_agent_run`, `spawn_agent` and the worker controls (spec:
// "Sub-agents", "Workers"). Foreground sub-agents run on the calling
// task's scope; background ones and spawn_agent workers get a spawned
// worker's scope (DESIGN §4) plus the policy fixed at spawn time. The
// engine is llm/agent/sub-agent.ts and workers.ts.

import { executeSubAgent, parseSubAgentRequest } from "../../llm/agent/sub-agent.ts";
import {
  closeWorker,
  inheritedWorkerPolicy,
  newWorkerId,
  parseCarryPolicy,
  restartWorker,
  startWorker,
  Worker,
  type WorkerJob,
  workerRequest,
  workersOf,
  workerSummary,
} from "../../llm/agent/workers.ts";
import { CapabilityPolicy, PolicyError } from "../../runtime/policy/capability-policy.ts";
import { contextOf, type TaskContext, top } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { valueToJson } from "../../llm/json.ts";

/** Where worker snapshots go (HARN_WORKER_STATE_DIR, else `.harn/workers` under the working directory). */
export type WorkerStateDir = () => string;

function workerId(v: Value | undefined, fn: string): string {
  if (typeof v === "string") return v;
  if (v instanceof Dict) {
    const id = v.map.get("id");
    if (id === undefined || id === null)
      throw runtimeError(`${fn}: agent handle dict is missing an id field`);
    return display(id);
  }
  throw runtimeError(`${fn}: expected agent handle or worker id`);
}

function now(): string {
  return new Date().toISOString();
}

function subAgentRun(
  vm: Vm,
  stateDir: WorkerStateDir,
  args: Value[],
  ctx: BuiltinContext,
): Value | Promise<Value> {
  const callerCtx = contextOf(ctx.task);
  const request = parseSubAgentRequest(args, callerCtx);
  if (!request.background) {
    const controller = new AbortController();
    const site = { vm, owner: ctx.task, ctx: callerCtx, signal: controller.signal };
    return cancellable(
      executeSubAgent(site, request.spec).then((r) => r.envelope),
      () => controller.abort(),
    );
  }
  const options = args[1] instanceof Dict ? args[1] : new Dict();
  const carry = parseCarryPolicy(options);
  carry.policy = inheritedWorkerPolicy(callerCtx, request.requestedPolicy);
  const id = newWorkerId();
  const worker = new Worker(
    id,
    request.spec.name,
    request.spec.task,
    "sub_agent",
    { kind: "sub_agent", spec: request.spec },
    workerRequest(request.spec.task, request.spec.system, request.spec.options),
    carry,
    callerCtx.forSpawnedWorker(),
    `${stateDir()}/${id}.json`,
    request.spec.parentSessionId,
    now(),
  );
  workersOf(vm).workers.set(id, worker);
  startWorker(vm, worker);
  return workerSummary(worker);
}

function toolsPolicy(v: Value | undefined): CapabilityPolicy | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw runtimeError("spawn_agent: tools shorthand must be a list of strings");
  const names: string[] = [];
  for (const t of v) {
    if (typeof t !== "string") throw runtimeError("spawn_agent: tools shorthand must be a list of strings");
    const n = t.trim();
    if (n !== "" && !names.includes(n)) names.push(n);
  }
  if (names.length === 0)
    throw runtimeError("spawn_agent: tools shorthand must include at least one tool name");
  return new CapabilityPolicy(names);
}

/**
 * `policy` (or `carry.policy`) ∩ the `tools` shorthand, then ∩ the spawner's policy.
 * Exported for the workflow runtime's stage and workflow workers.
 */
export function workerPolicy(config: Dict, callerCtx: TaskContext): CapabilityPolicy | null {
  const carry = config.map.get("carry");
  const c = carry instanceof Dict ? carry : new Dict();
  const explicitValue = c.map.get("policy") ?? config.map.get("policy");
  const explicit =
    explicitValue === undefined || explicitValue === null ? null : CapabilityPolicy.fromValue(explicitValue);
  const tools = toolsPolicy(c.map.get("tools") ?? config.map.get("tools"));
  let requested = explicit ?? tools;
  if (explicit !== null && tools !== null) {
    try {
      requested = explicit.intersect(tools);
    } catch (e) {
      if (e instanceof PolicyError) throw runtimeError(`spawn_agent: ${e.message}`);
      throw e;
    }
  }
  return inheritedWorkerPolicy(callerCtx, requested);
}

/** The agent-loop options of a stage node: its model policy, tools, system and the worker's session. */
function stageJob(node: Dict, permissions: Value | undefined, workerId: string): WorkerJob {
  const policy = node.map.get("model_policy");
  const options = new Map(policy instanceof Dict ? policy.map : []);
  const tools = node.map.get("tools");
  if (tools !== undefined && tools !== null) options.set("tools", tools);
  if (permissions !== undefined && permissions !== null) options.set("permissions", permissions);
  const nodeId = node.map.get("id");
  if (!options.has("session_id")) {
    options.set(
      "session_id",
      `worker_session_${workerId}_${nodeId === undefined || nodeId === null ? "stage" : display(nodeId)}`,
    );
  }
  return { kind: "stage", node, options: new Dict(options) };
}

function spawnAgent(
  vm: Vm,
  stateDir: WorkerStateDir,
  args: Value[],
  ctx: BuiltinContext,
): Value | Promise<Value> {
  const config = args[0];
  if (config === undefined) throw runtimeError("spawn_agent: missing config");
  if (!(config instanceof Dict)) throw runtimeError("spawn_agent: config must be a dict");
  const taskValue = config.map.get("task");
  const task = taskValue === undefined || taskValue === null ? "" : display(taskValue);
  if (task === "") throw runtimeError("spawn_agent: config.task is required");
  const nameValue = config.map.get("name");
  const name =
    nameValue === undefined || nameValue === null || display(nameValue) === ""
      ? "worker"
      : display(nameValue);
  const callerCtx = contextOf(ctx.task);
  const carry = parseCarryPolicy(config);
  carry.policy = workerPolicy(config, callerCtx);
  if (config.map.has("graph")) {
    throw runtimeError(
      "spawn_agent: workflow graph workers need the workflow runtime, which is not installed",
    );
  }
  const node = config.map.get("node");
  if (!(node instanceof Dict)) throw runtimeError("spawn_agent: config requires either graph or node");
  const id = newWorkerId();
  const system = node.map.get("system");
  const metadata = node.map.get("metadata");
  const worker = new Worker(
    id,
    name,
    task,
    "stage",
    stageJob(node, config.map.get("permissions"), id),
    workerRequest(
      task,
      typeof system === "string" ? system : null,
      metadata instanceof Dict ? metadata : new Dict(),
    ),
    carry,
    callerCtx.forSpawnedWorker(),
    `${stateDir()}/${id}.json`,
    top(callerCtx.slots.agentSessions) ?? null,
    now(),
  );
  workersOf(vm).workers.set(id, worker);
  startWorker(vm, worker);
  if (config.map.get("wait") !== true) return workerSummary(worker);
  return worker.whenTerminal().then(() => workerSummary(worker));
}

function triggerText(v: Value): string {
  return typeof v === "string" ? v : JSON.stringify(valueToJson(v));
}

export function registerWorkerBuiltins(vm: Vm, stateDir: WorkerStateDir): void {
  const workers = () => workersOf(vm);
  const b = vm.registerBuiltin.bind(vm);
  b("sub_agent_run", (args, ctx) => subAgentRun(vm, stateDir, args, ctx));
  b("spawn_agent", (args, ctx) => spawnAgent(vm, stateDir, args, ctx));
  b("wait_agent", async (args) => {
    const target = args[0];
    if (target === undefined) throw runtimeError("wait_agent: missing worker handle");
    const list = Array.isArray(target) ? target : [target];
    const out: Value[] = [];
    for (const item of list) {
      const w = workers().get(workerId(item, "wait_agent"));
      await w.whenTerminal();
      out.push(workerSummary(w));
    }
    return Array.isArray(target) ? out : out[0]!;
  });
  b("send_input", (args) => {
    if (args.length < 2) throw runtimeError("send_input: requires worker handle and task text");
    const w = workers().get(workerId(args[0], "send_input"));
    const next = display(args[1]!);
    if (next === "") throw runtimeError("send_input: task text must not be empty");
    if (w.status === "running") throw runtimeError(`send_input: worker ${w.id} is still running`);
    restartWorker(vm, w, next, true);
    startWorker(vm, w);
    return workerSummary(w);
  });
  b("worker_trigger", (args) => {
    if (args.length < 2) throw runtimeError("worker_trigger: requires worker handle and payload");
    const w = workers().get(workerId(args[0], "worker_trigger"));
    const next = triggerText(args[1]!);
    if (next.trim() === "") throw runtimeError("worker_trigger: payload must not be empty");
    if (!w.carry.retriggerable) throw runtimeError(`worker_trigger: worker ${w.id} is not retriggerable`);
    if (w.status === "running") throw runtimeError(`worker_trigger: worker ${w.id} is still running`);
    if (w.status !== "awaiting") {
      throw runtimeError(`worker_trigger: worker ${w.id} is not awaiting (status=${w.status})`);
    }
    restartWorker(vm, w, next, false);
    startWorker(vm, w);
    return workerSummary(w);
  });
  b("close_agent", (args) => {
    if (args[0] === undefined) throw runtimeError("close_agent: missing worker handle");
    const w = workers().get(workerId(args[0], "close_agent"));
    closeWorker(vm, w);
    return workerSummary(w);
  });
  b("list_agents", () => [...workers().workers.values()].map(workerSummary));
}
