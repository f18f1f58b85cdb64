// The agent loop (spec: "agent_loop"): turn after turn, call the model,
// run the tools it asks for, and decide whether to continue, until the
// model signals completion, a one-shot turn ends, the nudge allowance
// runs out, or the iteration/token/cost budget is spent.
//
// Setup scopes everything the loop's callbacks see into one TaskContext:
// the nested execution budget (seed 002: this launch consumes one unit;
// a refused launch returns a `blocked` result instead of throwing), the
// requested capability policy intersected with the caller's, the merged
// approval policy, command policy and dynamic permissions, the current
// agent session and the tool registry. The caller's own context is never
// changed, so nothing leaks out when the loop ends.

import {
  enterNestedExecution,
  NESTED_KIND_OPTION,
  NESTED_LABEL_OPTION,
  NestedBudgetExhausted,
  type NestedKind,
  parseNestedKind,
} from "../../runtime/budget/nested-budget.ts";
import { type CapabilityPolicy, PolicyError } from "../../runtime/policy/capability-policy.ts";
import { push, type Stack, type TaskContext, top } from "../../runtime/task-context.ts";
import { runtimeError, type VmError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { checkPreflight } from "../budget.ts";
import { callCost } from "../catalog/pricing.ts";
import type { JsonObject } from "../json.ts";
import type { McpClient } from "../mcp/client.ts";
import { optValue } from "../option-values.ts";
import { type LlmCallOptions, parseCallOptions } from "../options.ts";
import { llmStateOf } from "../state.ts";
import { approvalPolicyValue, intersectApproval, parseApprovalPolicy } from "./approval.ts";
import { type AgentLoopConfig, parseAgentConfig } from "./config.ts";
import { loadSnapshot, watchState } from "./daemon.ts";
import { bootstrapLoopMcp } from "./loop-mcp.ts";
import { compactNow, persistDaemonSnapshot, systemPrompt } from "./loop-support.ts";
import { callInLoop, type LoopEnv, LoopState, offersTools } from "./loop-state.ts";
import { emitAgentEvent } from "./events.ts";
import { runTurnHooks } from "./hooks.ts";
import { feedbackMessage, valuesToMessages } from "./messages.ts";
import { parsePermissionPolicy } from "./permissions.ts";
import { runPostTurn } from "./post-turn.ts";
import { budgetDeniedResult, loopResult, loopTranscript } from "./result.ts";
import { type AgentRuntime, agentRuntimeOf } from "./runtime-state.ts";
import { dispatchTools } from "./tool-dispatch.ts";
import { openSkillSession, latestUserPrompt, skillEventValue } from "./skills.ts";
import { ToolOffer, toolContractPrompt } from "./tool-offer.ts";
import { nativeToolName } from "../tools/tool-search.ts";
import { checkToolBackends, declaredTools } from "./tool-surface.ts";
import { newId } from "./transcript.ts";
import { runTurnCall, turnRequest } from "./turn-call.ts";
import { withStepModel } from "../../runtime/steps/index.ts";

export interface AgentLoopInput {
  readonly vm: Vm;
  /** The task that called the builtin (null for a detached worker). */
  readonly owner: Task | null;
  /** The context the loop runs under (the caller's, or a worker's). */
  readonly ctx: TaskContext;
  readonly prompt: string;
  readonly system: string | null;
  readonly options: Dict | null;
  /** The builtin named in option errors (`agent_loop`, `sub_agent_run`). */
  readonly builtin: string;
  /** The nested surface this run is attributed to (options may override via `_nested_kind`). */
  readonly kind: NestedKind;
  readonly signal: AbortSignal;
}

function recordDescent(runtime: AgentRuntime) {
  return (d: Parameters<AgentRuntime["descents"]["push"]>[0]) => {
    runtime.descents.push(d);
  };
}

function mergedPolicy(stack: Stack<unknown>, requested: CapabilityPolicy | null): Stack<unknown> {
  if (requested === null) return stack;
  const current = top(stack) as CapabilityPolicy | undefined;
  try {
    return push(stack, current === undefined ? requested : current.intersect(requested));
  } catch (e) {
    if (e instanceof PolicyError) throw runtimeError(e.message);
    throw e;
  }
}

function loopContext(
  input: AgentLoopInput,
  config: AgentLoopConfig,
  policies: Stack<unknown>,
  sessionId: string,
): TaskContext {
  const slots = input.ctx.slots;
  let approvals = slots.approvalPolicies;
  if (config.approvalPolicy !== null) {
    const current = top(approvals) as Value | undefined;
    const requested = parseApprovalPolicy(config.approvalPolicy);
    const merged =
      current === undefined || current === null
        ? requested
        : intersectApproval(parseApprovalPolicy(current), requested);
    approvals = push(approvals, approvalPolicyValue(merged));
  }
  return input.ctx.with({
    executionPolicies: mergedPolicy(policies, config.policy),
    approvalPolicies: approvals,
    commandPolicies:
      config.commandPolicy === null
        ? slots.commandPolicies
        : push(slots.commandPolicies, config.commandPolicy),
    dynamicPermissions:
      config.permissions === null
        ? slots.dynamicPermissions
        : push(slots.dynamicPermissions, config.permissions),
    agentSessions: push(slots.agentSessions, sessionId),
    toolRegistry: config.tools ?? slots.toolRegistry,
  });
}

function stackItems(stack: Stack<unknown>): unknown[] {
  const out: unknown[] = [];
  for (let s = stack; s !== null; s = s.tail) out.unshift(s.head);
  return out;
}

function persistentPrompt(config: AgentLoopConfig, hasTools: boolean): string | null {
  if (!config.persistent) return null;
  const act = hasTools
    ? "Take action with tool calls; do not stop to explain."
    : "Solve the request directly in assistant text; do not stop early to explain or summarise.";
  const done =
    config.toolFormat === "native" || !hasTools
      ? `include \`${config.doneSentinel}\` exactly once in assistant text`
      : `emit \`<done>${config.doneSentinel}</done>\` as its own top-level block`;
  const allowDone = config.turnPolicy?.allowDoneSentinel ?? true;
  const finish = !allowDone
    ? ""
    : config.exitWhenVerified
      ? ` Once the request passes verification, ${done}.`
      : ` When the requested work is complete, ${done}.`;
  return `Keep working until the current request is complete. ${act}${finish}`;
}

/** The caller's system prompt followed by the active-skill section. */
function withSkills(base: string | null, section: string | null): string | null {
  if (section === null) return base;
  return base === null ? section.trimStart() : `${base.trimEnd()}${section}`;
}

/** Restores a daemon from `resume_path` into `state`. */
function resumeDaemon(env: LoopEnv, state: LoopState): void {
  const cfg = env.config.daemonConfig;
  const files = env.runtime.files;
  if (files === null) return;
  if (cfg.resumePath !== null) {
    const snap = loadSnapshot(files, cfg.resumePath);
    state.daemonState = snap.daemon_state;
    state.visible = snap.visible_messages;
    state.recorded = snap.recorded_messages;
    state.summary = snap.transcript_summary;
    state.totalText = snap.total_text;
    state.lastIterationText = snap.last_iteration_text;
    state.allTools.push(...snap.all_tools_used);
    state.rejectedTools.push(...snap.rejected_tools);
    state.deferredUserMessages.push(...snap.deferred_user_messages);
    state.resumedIterations = snap.total_iterations;
    state.totalIterations = snap.total_iterations;
    state.idleBackoffMs = snap.idle_backoff_ms;
    state.lastRunExitCode = snap.last_run_exit_code;
    state.daemonSnapshotPath = cfg.resumePath;
  }
  state.watchStamps = watchState(files, cfg.watchPaths);
}

function isBudgetError(e: unknown): boolean {
  const thrown = (e as VmError | undefined)?.thrown;
  return thrown instanceof Dict && thrown.get("category") === "budget_exceeded";
}

function syncSession(env: LoopEnv, state: LoopState): void {
  if (!state.anonymous) env.runtime.sessions.store(state.sessionId, loopTranscript(state));
}

export async function runAgentLoop(input: AgentLoopInput): Promise<Dict> {
  const { vm, options } = input;
  const llm = llmStateOf(vm);
  const runtime = agentRuntimeOf(vm);
  let config = parseAgentConfig(options, input.builtin, "text");
  if (config.permissions !== null) parsePermissionPolicy(config.permissions, input.builtin);
  const anonymous = config.sessionId.trim() === "";
  const sessionId = anonymous ? `agent_session_${newId()}` : config.sessionId;
  const kind =
    optValue(options, NESTED_KIND_OPTION) === undefined
      ? input.kind
      : parseNestedKind(optValue(options, NESTED_KIND_OPTION));
  const labelValue = optValue(options, NESTED_LABEL_OPTION);
  const label = typeof labelValue === "string" ? labelValue : sessionId;
  let budgetStack: Stack<unknown>;
  try {
    budgetStack = enterNestedExecution(
      input.ctx.slots.executionPolicies,
      config.policy,
      kind,
      label,
      recordDescent(runtime),
    ).policies;
  } catch (e) {
    if (e instanceof NestedBudgetExhausted) {
      return budgetDeniedResult(llm, e.descent, sessionId, input.prompt, config.toolFormat);
    }
    throw e;
  }
  // Inside an `@step` with a model, a loop that names no model uses the step's.
  const call = parseCallOptions(llm, [input.prompt, input.system, withStepModel(input.owner, options)]);
  let messages = [...call.request.messages];
  let summary: string | null = null;
  if (!anonymous) {
    runtime.sessions.open(sessionId);
    const prior = runtime.sessions.promptState(sessionId);
    summary = prior.summary;
    messages = [...valuesToMessages(prior.messages), ...messages];
  }
  const ctx = loopContext(input, config, budgetStack, sessionId);
  // The loop's own MCP servers: their tools join the registry before anything reads it.
  const mcp =
    config.mcpServers.length === 0
      ? null
      : await bootstrapLoopMcp(config.mcpServers, config.tools, runtime.connectMcp);
  if (mcp !== null) config = { ...config, tools: mcp.tools };
  const prepared = { config, call, ctx, messages, summary, sessionId, anonymous };
  try {
    return await runPrepared(input, prepared, mcp?.clients ?? new Map());
  } finally {
    mcp?.close();
  }
}

/** What runAgentLoop settled before the first turn: options, request template, context and history. */
interface PreparedLoop {
  readonly config: AgentLoopConfig;
  readonly call: LlmCallOptions;
  readonly ctx: TaskContext;
  readonly messages: JsonObject[];
  readonly summary: string | null;
  readonly sessionId: string;
  readonly anonymous: boolean;
}

/** Builds the loop environment and runs the turns. */
async function runPrepared(
  input: AgentLoopInput,
  { config, call, ctx, messages, summary, sessionId, anonymous }: PreparedLoop,
  mcpClients: ReadonlyMap<string, McpClient>,
): Promise<Dict> {
  const { vm, options } = input;
  const llm = llmStateOf(vm);
  const runtime = agentRuntimeOf(vm);
  const tools = declaredTools(config.tools);
  checkToolBackends(config.tools);
  const base = {
    vm,
    llm,
    runtime,
    host: { vm, owner: input.owner, ctx },
    signal: input.signal,
    config,
    call,
    tools,
    offer: ToolOffer.build(
      llm,
      config.tools,
      optValue(options, "tool_search"),
      call.request.provider,
      call.request.model,
      optValue(options, call.request.provider),
    ),
    skills: null,
    permissions: stackItems(ctx.slots.dynamicPermissions)
      .filter((p): p is Dict => p instanceof Dict)
      .map((p) => parsePermissionPolicy(p, input.builtin)),
    startedAt: llm.host.now(),
    mcpClients,
  };
  const env: LoopEnv = { ...base, skills: openSkillSession(base, options, sessionId, anonymous) };
  const state = new LoopState(sessionId, anonymous, messages, summary, config);
  if (config.daemon) resumeDaemon(env, state);
  await iterate(env, state);
  return finish(env, state);
}

async function iterate(env: LoopEnv, state: LoopState): Promise<void> {
  const { config, offer } = env;
  const provider = env.call.request.provider;
  const persistent = persistentPrompt(config, offersTools(env));
  let exited = false;
  for (let iteration = 0; iteration < config.maxIterations; iteration++) {
    if (env.signal.aborted) throw runtimeError("agent_loop: cancelled");
    state.totalIterations = state.resumedIterations + iteration + 1;
    state.daemonState = "active";
    if (env.skills !== null) {
      for (const e of await env.skills.beforeTurn(iteration, latestUserPrompt(state.visible))) {
        state.event(skillEventValue(e));
      }
    }
    const offered = env.skills === null ? offer.current() : env.skills.scopeTools(offer.current(), provider);
    state.offeredNames = new Set(offered.map(nativeToolName));
    const contract = offersTools(env)
      ? toolContractPrompt(offered, config.toolFormat, config.doneSentinel)
      : null;
    const native = config.toolFormat === "native" && offersTools(env) ? offered : null;
    const system = systemPrompt([
      withSkills(env.call.request.system, env.skills?.systemSuffix() ?? null),
      contract,
      persistent,
    ]);
    await compactNow(env, state, "preflight", iteration, system);
    await emitAgentEvent(env, state, "turn_start", { iteration });
    for (const item of env.runtime.drainFeedback(state.sessionId)) {
      await emitAgentEvent(env, state, "feedback_injected", { kind: item.kind, content: item.content });
      state.append(feedbackMessage(item.kind, item.content));
    }
    syncSession(env, state);
    const request = turnRequest(env, state, system, native);
    if (config.budget !== null) {
      try {
        checkPreflight(request, config.budget, null, state.loopCostUsd);
      } catch (e) {
        if (!isBudgetError(e)) throw e;
        state.finalStatus = "budget_exhausted";
        exited = true;
        break;
      }
    }
    const hookCall = (fn: Value, a: Value[]) => callInLoop(env, fn, a);
    await runTurnHooks(
      env.vm,
      "PreAgentTurn",
      {
        event: "PreAgentTurn",
        session: { id: state.sessionId },
        turn: { iteration, total_iterations: state.totalIterations },
      },
      hookCall,
    );
    const reply = await runTurnCall(env, state, request, iteration);
    const dispatch =
      reply.calls.length > 0
        ? await dispatchTools(env, state, reply.text, reply.calls, reply.canonical, iteration)
        : null;
    const outcome = await runPostTurn(env, state, reply, dispatch, iteration);
    await runTurnHooks(
      env.vm,
      "PostAgentTurn",
      {
        event: "PostAgentTurn",
        session: { id: state.sessionId },
        turn: { iteration, text: reply.text, tool_count: reply.calls.length, status: state.finalStatus },
      },
      hookCall,
    );
    syncSession(env, state);
    state.loopCostUsd += callCost(provider, request.model, reply.inputTokens, reply.outputTokens);
    state.loopTokens += reply.inputTokens + reply.outputTokens;
    const overTokens = config.tokenBudget !== null && state.loopTokens >= config.tokenBudget;
    const total = config.budget?.totalBudgetUsd;
    if (overTokens || (total !== undefined && state.loopCostUsd >= total)) {
      state.finalStatus = "budget_exhausted";
      exited = true;
      break;
    }
    if (outcome === "break") {
      exited = true;
      break;
    }
  }
  if (!exited && config.maxIterations > 0) {
    state.finalStatus = "budget_exhausted";
    await emitAgentEvent(env, state, "budget_exhausted", { max_iterations: config.maxIterations });
  }
}

function finish(env: LoopEnv, state: LoopState): Dict {
  const { config } = env;
  if (config.daemon && state.finalStatus === "done") state.finalStatus = "idle";
  const required = config.requireSuccessfulTools;
  if (
    state.finalStatus === "done" &&
    required !== null &&
    required.length > 0 &&
    !state.successfulTools.some((t) => required.includes(t))
  ) {
    state.finalStatus = "failed";
  }
  if (config.daemon) {
    state.daemonState = state.finalStatus;
    persistDaemonSnapshot(env, state);
  }
  env.llm.trace.emit({
    type: "loop_complete",
    status: state.finalStatus,
    iterations: state.totalIterations,
    total_duration_ms: Math.max(0, env.llm.host.now() - env.startedAt),
    tools_used: state.allTools,
    successful_tools: state.successfulTools,
  });
  const transcript = loopTranscript(state);
  if (!state.anonymous) {
    env.runtime.sessions.store(state.sessionId, transcript);
    if (env.skills !== null) env.runtime.sessions.setActiveSkills(state.sessionId, env.skills.activeNames());
  }
  return loopResult(env, state, transcript);
}
