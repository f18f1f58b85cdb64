// Running the tool calls of one turn (spec: "agent_loop tool dispatch").
// Each call passes, in order: the execution policy's tool ceiling, the
// agent's dynamic permissions (with escalation), the approval policy, the
// registered pre-tool hooks and the required-argument check; a refusal at
// any step becomes a `{error: "permission_denied", tool, reason}` result
// the model sees, the tool is listed in `tools.rejected`, and the
// transcript records why. Accepted calls run their Harn handler as a
// child task under the loop's context; the result is shortened by
// microcompaction and post-tool hooks, checked for repetition, logged,
// and appended to the conversation.

import { top } from "../../runtime/task-context.ts";
import type { CapabilityPolicy } from "../../runtime/policy/capability-policy.ts";
import { display } from "../../vm/display.ts";
import { VmError } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { isJsonObject, type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../json.ts";
import { isReadOnlyKind, parseAnnotations } from "../tools/annotations.ts";
import { toolPolicyRefusal } from "../tools/policy.ts";
import { invokeTool, toolBackend } from "../tools/dispatch.ts";
import { scopeToolEntries } from "../skills/scope.ts";
import { findTool } from "../tools/registry.ts";
import { toolsStateOf } from "../tools/state.ts";
import { type ApprovalPolicy, evaluateApproval, parseApprovalPolicy, type ToolFacts } from "./approval.ts";
import { argConstraintRefusal } from "./arg-constraints.ts";
import { errorText } from "./callbacks.ts";
import { microcompact } from "./compaction.ts";
import { skillEventValue } from "./skills.ts";
import { emitAgentEvent } from "./events.ts";
import { runPostToolHooks, runPreToolHooks } from "./hooks.ts";
import { checkPermissions } from "./permissions.ts";
import { type AgentToolCall, assistantToolMessage, toolResultMessage } from "./messages.ts";
import { callInLoop, interventionMessage, type LoopEnv, type LoopState } from "./loop-state.ts";
import { missingArguments } from "./tool-surface.ts";
import { normalizePlan, PLAN_TOOLS, planEntries, renderPlan } from "./plan.ts";
import { transcriptEvent } from "./transcript.ts";

export interface ToolOutcome {
  readonly tool_name: string;
  readonly status: "ok" | "error" | "rejected";
  readonly rejected: boolean;
}

export interface DispatchResult {
  readonly used: string[];
  readonly results: ToolOutcome[];
  /** Text-mode results, fed back as one `tool_results` turn. */
  readonly observations: string;
}

const denied = (tool: string, reason: string): string =>
  JSON.stringify({ error: "permission_denied", tool, reason }, null, 2);

function permissionEvent(
  kind: string,
  tool: string,
  args: JsonValue,
  reason: string,
  escalated: boolean,
): Dict {
  return transcriptEvent(kind, "tool", "internal", reason, {
    tool_name: tool,
    arguments: args,
    reason,
    escalated,
  });
}

class Dispatcher {
  readonly used: string[] = [];
  readonly results: ToolOutcome[] = [];
  observations = "";

  constructor(
    private readonly env: LoopEnv,
    private readonly state: LoopState,
    private readonly provider: string,
  ) {}

  /** Appends a result for the model: a tool message (native) or an observation block (text). */
  deliver(call: AgentToolCall, text: string): void {
    if (this.env.config.toolFormat === "native") {
      this.state.append(toolResultMessage(call.id, call.name, text, this.provider));
    } else {
      this.observations += `[result of ${call.name}]\n${text}\n[end of ${call.name} result]\n\n`;
    }
  }

  /** A refused call: recorded, listed as rejected, and answered with the denial payload. */
  refuse(call: AgentToolCall, args: JsonValue, reason: string, metadata: JsonObject): void {
    const text = denied(call.name, reason);
    this.state.reject(call.name);
    this.state.event(
      transcriptEvent("tool_execution", "tool", "internal", text, {
        tool_name: call.name,
        tool_use_id: call.id,
        rejected: true,
        arguments: args,
        error_category: "permission_denied",
        ...metadata,
      }),
    );
    this.deliver(call, text);
  }

  /** A call that failed before running (bad arguments): an `ERROR:` result, not a rejection. */
  invalid(call: AgentToolCall, args: JsonValue, message: string): void {
    const text = `ERROR: ${message}`;
    this.state.event(
      transcriptEvent("tool_execution", "tool", "internal", text, {
        tool_name: call.name,
        tool_use_id: call.id,
        rejected: true,
        arguments: args,
        error_category: "schema_validation",
      }),
    );
    this.deliver(call, text);
  }
}

function currentPolicy(env: LoopEnv): CapabilityPolicy | undefined {
  return top(env.host.ctx.slots.executionPolicies) as CapabilityPolicy | undefined;
}

function currentApproval(env: LoopEnv): ApprovalPolicy | undefined {
  const v = top(env.host.ctx.slots.approvalPolicies);
  return v === undefined || v === null ? undefined : parseApprovalPolicy(v as Value);
}

/** Path parameters and read-only-ness a tool declares (entry annotations, metadata, or the policy's). */
function toolFacts(env: LoopEnv, name: string): ToolFacts {
  const entry = env.tools.find((t) => t.name === name)?.entry;
  const annotations =
    parseAnnotations(entry?.map.get("annotations")) ??
    parseAnnotations(currentPolicy(env)?.toolAnnotations.get(name));
  const metadata = entry?.map.get("metadata");
  const fromMetadata = metadata instanceof Dict ? metadata.map.get("path_params") : undefined;
  const pathParams = annotations?.argSchema.pathParams.length
    ? annotations.argSchema.pathParams
    : Array.isArray(fromMetadata)
      ? fromMetadata.map((p) => display(p))
      : [];
  return { pathParams, readOnly: annotations !== null && isReadOnlyKind(annotations.kind) };
}

/** A tool result value as the model reads it: text as is, nil as `(no output)`, data as pretty JSON. */
function renderResult(v: Value): string {
  if (typeof v === "string") return v;
  if (v === null) return "(no output)";
  return JSON.stringify(valueToJson(v), null, 2);
}

/** Runs the tool's backend. Returns the result text, and whether the call was refused. */
async function execute(
  env: LoopEnv,
  call: AgentToolCall,
  args: JsonValue,
): Promise<{ text: string; rejected: boolean }> {
  const registry = env.config.tools;
  const found = registry === null ? null : findTool(registry, call.name);
  const scope = env.skills?.toolScope() ?? null;
  const entry = found !== null && scopeToolEntries([found], scope).length > 0 ? found : null;
  if (registry === null || entry === null) {
    const reason = `Tool '${call.name}' is not available in the current environment. Use only the tools listed in the tool-calling contract.`;
    return { text: denied(call.name, `${reason} Do not retry this tool.`), rejected: true };
  }
  // Plan tools without a handler are served by the runtime (added with the workflow runtime).
  if (PLAN_TOOLS.has(call.name) && !(entry.map.get("handler") instanceof Closure)) {
    return { text: JSON.stringify(normalizePlan(call.name, args), null, 2), rejected: false };
  }
  const backend = toolBackend(env.vm, entry, env.mcpClients);
  for (let attempt = 0; ; attempt++) {
    try {
      if (backend.kind === "harn") {
        return {
          text: display(await callInLoop(env, backend.handler, [jsonToValue(args)])),
          rejected: false,
        };
      }
      const value = await invokeTool(
        env.vm,
        registry,
        call.name,
        args,
        (fn, a) => callInLoop(env, fn, a),
        env.mcpClients,
      );
      return { text: renderResult(value), rejected: false };
    } catch (e) {
      if (e instanceof VmError && e.category === "tool_rejected") {
        // A handler's own refusal is passed on as is; a backend that cannot run is final.
        const reason = backend.kind === "harn" ? e.detail : `${e.detail} Do not retry this tool.`;
        return { text: denied(call.name, reason), rejected: true };
      }
      if (attempt >= env.config.toolRetries || env.signal.aborted) {
        return { text: `Error: ${errorText(e)}`, rejected: false };
      }
      await new Promise((r) => setTimeout(r, env.config.toolBackoffMs * 2 ** Math.min(attempt + 1, 5)));
    }
  }
}

/** The gate checks before a call runs; returns the (possibly hook-rewritten) arguments, or null when refused. */
async function admit(
  env: LoopEnv,
  state: LoopState,
  d: Dispatcher,
  call: AgentToolCall,
): Promise<JsonValue | null> {
  const args = call.arguments;
  const policy = currentPolicy(env);
  const refusal = toolPolicyRefusal(policy, call.name) ?? argConstraintRefusal(policy, call.name, args);
  if (refusal !== undefined) {
    const message = `Error [tool_rejected]: ${refusal}`;
    state.event(permissionEvent("PermissionDeny", call.name, args, message, false));
    d.refuse(
      call,
      args,
      `${message}. Use one of the declared tools exactly as named and put extra fields inside that tool's arguments.`,
      {},
    );
    return null;
  }
  const permission = await checkPermissions(
    env.permissions,
    state.grants,
    call.name,
    args,
    state.sessionId,
    (fn, a) => callInLoop(env, fn, a),
  );
  if (permission !== null) {
    if (permission.escalated) {
      state.event(permissionEvent("PermissionEscalation", call.name, args, permission.reason, true));
    }
    const kind = permission.granted ? "PermissionGrant" : "PermissionDeny";
    state.event(permissionEvent(kind, call.name, args, permission.reason, permission.escalated));
    if (!permission.granted) {
      d.refuse(call, args, permission.reason, { permission: "denied", escalated: permission.escalated });
      return null;
    }
  }
  const approval = currentApproval(env);
  if (approval !== undefined) {
    const decision = evaluateApproval(approval, call.name, args, toolFacts(env, call.name));
    if (decision.kind !== "approved") {
      const [status, reason] =
        decision.kind === "denied"
          ? ["auto_denied", decision.reason]
          : ["host_denied", "approval required but no host bridge is available"];
      state.event(permissionEvent("PermissionDeny", call.name, args, reason, false));
      d.refuse(call, args, reason, { approval: status });
      return null;
    }
  }
  const pre = toolsStateOf(env.vm).hooks.preToolUse(call.name);
  if (pre.kind === "deny") {
    d.refuse(call, args, pre.reason, {});
    return null;
  }
  const hooked = await runPreToolHooks(env.vm, call.name, args, (fn, a) => callInLoop(env, fn, a));
  if ("deny" in hooked) {
    d.refuse(call, args, hooked.deny, {});
    return null;
  }
  const missing = missingArguments(
    env.tools.find((t) => t.name === call.name),
    hooked.args,
  );
  if (missing !== undefined) {
    d.invalid(call, hooked.args, missing);
    return null;
  }
  return hooked.args;
}

/** The synthetic client-mode search tool: search, promote, and log the query and result events. */
async function runSearch(env: LoopEnv, state: LoopState, d: Dispatcher, call: AgentToolCall): Promise<void> {
  const turn = await env.offer.client!.handle(call.id, call.arguments);
  state.event(transcriptEvent("tool_search_query", "assistant", "internal", "", turn.queryEvent));
  state.event(transcriptEvent("tool_search_result", "tool", "internal", "", turn.resultEvent));
  const strategy = env.offer.client!.strategy;
  await emitAgentEvent(env, state, "tool_search_query", {
    tool_use_id: call.id,
    name: call.name,
    query: call.arguments,
    strategy,
    mode: "client",
  });
  await emitAgentEvent(env, state, "tool_search_result", {
    tool_use_id: call.id,
    promoted: [...turn.promoted],
    strategy,
    mode: "client",
  });
  d.used.push(call.name);
  d.results.push({ tool_name: call.name, status: "ok", rejected: false });
  d.deliver(call, turn.resultText);
}

/** The runtime `load_skill` tool: the skill session loads the body and reports what happened. */
function runLoadSkill(env: LoopEnv, state: LoopState, d: Dispatcher, call: AgentToolCall): void {
  const { resultText, events } = env.skills!.loadSkill(call.arguments);
  for (const e of events) state.event(skillEventValue(e));
  const failed = resultText.startsWith("{") && resultText.includes('"error"');
  d.used.push(call.name);
  d.results.push({ tool_name: call.name, status: failed ? "error" : "ok", rejected: false });
  state.event(
    transcriptEvent("tool_execution", "tool", "internal", resultText, {
      tool_name: call.name,
      tool_use_id: call.id,
      rejected: false,
    }),
  );
  d.deliver(call, resultText);
}

/** A successful plan tool call becomes a public `plan` event carrying the structured plan. */
function recordPlan(state: LoopState, call: AgentToolCall, args: JsonValue, text: string): void {
  let plan: JsonValue;
  try {
    plan = JSON.parse(text) as JsonValue;
  } catch {
    plan = normalizePlan(call.name, args);
  }
  state.event(
    transcriptEvent("plan", "assistant", "public", renderPlan(plan), {
      plan,
      entries: planEntries(plan),
      tool_name: call.name,
      tool_use_id: call.id,
    }),
  );
}

async function runOne(
  env: LoopEnv,
  state: LoopState,
  d: Dispatcher,
  call: AgentToolCall,
  iteration: number,
): Promise<void> {
  if (env.offer.client?.isSearchCall(call.name)) {
    await runSearch(env, state, d, call);
    return;
  }
  if (call.name === "load_skill" && env.skills !== null) {
    runLoadSkill(env, state, d, call);
    return;
  }
  if (isJsonObject(call.arguments) && typeof call.arguments.__parse_error === "string") {
    d.invalid(call, call.arguments, call.arguments.__parse_error);
    return;
  }
  const args = await admit(env, state, d, call);
  if (args === null) return;
  state.event(
    transcriptEvent("tool_intent", "assistant", "internal", call.name, {
      arguments: args,
      tool_use_id: call.id,
    }),
  );
  d.used.push(call.name);
  const loopKey = `${call.name}\u0000${JSON.stringify(args)}`;
  const detect = env.config.loopDetect.warn > 0;
  if (detect) {
    const check = state.tracker.check(loopKey);
    if (check.kind === "skip") {
      const text = interventionMessage(call.name, "", check) ?? "";
      state.event(
        transcriptEvent("tool_execution", "tool", "internal", text, {
          tool_name: call.name,
          tool_use_id: call.id,
          loop_skipped: true,
          repeat_count: check.count,
          rejected: true,
          error_category: "rejected_loop",
        }),
      );
      d.deliver(call, text);
      return;
    }
  }
  const started = env.llm.host.now();
  let { text, rejected } = await execute(env, call, args);
  if (rejected) state.reject(call.name);
  const ac = env.config.autoCompact;
  if (ac !== null && text.length > ac.toolOutputMaxChars) {
    const compress = ac.compressCallback;
    text =
      compress !== null
        ? await compressed(env, compress, call.name, text, ac.toolOutputMaxChars)
        : microcompact(text, ac.toolOutputMaxChars);
  }
  text = toolsStateOf(env.vm).hooks.postToolUse(call.name, text, microcompact);
  text = await runPostToolHooks(env.vm, call.name, args, text, (fn, a) => callInLoop(env, fn, a));
  if (detect && !rejected) {
    const intervention = state.tracker.record(loopKey, text);
    const message = interventionMessage(call.name, text, intervention);
    if (message !== null) {
      env.llm.trace.emit({
        type: "loop_intervention",
        tool_name: call.name,
        kind: intervention.kind,
        count: intervention.count,
        iteration,
      });
      if (intervention.kind === "warn") text += message;
      else if (intervention.kind === "block") text = message;
    }
  }
  const failed = text.startsWith("Error:") || text.startsWith("ERROR:");
  const status = rejected ? "rejected" : failed ? "error" : "ok";
  d.results.push({ tool_name: call.name, status, rejected });
  const metadata: JsonObject = { tool_name: call.name, tool_use_id: call.id, rejected };
  if (rejected) metadata.error_category = "permission_denied";
  else if (failed) metadata.error_category = "tool_error";
  state.event(transcriptEvent("tool_execution", "tool", "internal", text, metadata));
  if (status === "ok" && PLAN_TOOLS.has(call.name)) recordPlan(state, call, args, text);
  const duration = Math.max(0, env.llm.host.now() - started);
  if (rejected) env.llm.trace.emit({ type: "tool_rejected", tool_name: call.name, reason: text, iteration });
  else {
    env.llm.trace.emit({
      type: "tool_execution",
      tool_name: call.name,
      tool_use_id: call.id,
      duration_ms: duration,
      status,
      classification: "other",
      iteration,
    });
  }
  d.deliver(call, text);
}

async function compressed(
  env: LoopEnv,
  fn: Value,
  tool: string,
  output: string,
  max: number,
): Promise<string> {
  try {
    const r = await callInLoop(env, fn, [Dict.of({ tool_name: tool, output, max_chars: max })]);
    return typeof r === "string" && r !== "" ? r : microcompact(output, max);
  } catch {
    return microcompact(output, max);
  }
}

export async function dispatchTools(
  env: LoopEnv,
  state: LoopState,
  text: string,
  calls: readonly AgentToolCall[],
  canonical: string | null,
  iteration: number,
): Promise<DispatchResult> {
  const provider = env.call.request.provider;
  state.consecutiveTextOnly = 0;
  state.idleBackoffMs = 100;
  if (env.config.toolFormat === "native") state.append(assistantToolMessage(text, calls, provider));
  else state.append({ role: "assistant", content: (canonical ?? text).trim() });
  const d = new Dispatcher(env, state, provider);
  for (const call of calls) await runOne(env, state, d, call, iteration);
  return { used: d.used, results: d.results, observations: d.observations };
}
