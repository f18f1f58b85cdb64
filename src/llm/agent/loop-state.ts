// What one agent_loop run carries from turn to turn: the conversation
// (`visible` is what the model sees, compactions included; `recorded` is
// the uncompacted record), the transcript's extra events, tool usage,
// nudge and idle counters, daemon state, and the final status. The run's
// environment (VM, LLM state, the context its callbacks run under) is a
// separate, immutable LoopEnv.

import type { McpClient } from "../mcp/client.ts";
import type { TaskContext } from "../../runtime/task-context.ts";
import type { Dict, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { JsonObject } from "../json.ts";
import type { LlmCallOptions } from "../options.ts";
import type { LlmState } from "../state.ts";
import { type CallbackHost, callHarn } from "./callbacks.ts";
import type { AgentLoopConfig } from "./config.ts";
import type { PermissionPolicy } from "./permissions.ts";
import type { AgentRuntime } from "./runtime-state.ts";
import type { SkillSession } from "../skills/skill-session.ts";
import type { ToolOffer } from "./tool-offer.ts";
import type { DeclaredTool } from "./tool-surface.ts";

export interface LoopEnv {
  readonly vm: Vm;
  readonly llm: LlmState;
  readonly runtime: AgentRuntime;
  /** Callbacks run as child tasks of this host, under the loop's context. */
  readonly host: CallbackHost;
  readonly signal: AbortSignal;
  readonly config: AgentLoopConfig;
  /** The provider request template (prompt, sampling, structured output) of every turn. */
  readonly call: LlmCallOptions;
  readonly tools: readonly DeclaredTool[];
  /** What the model is offered each turn (grows as client-mode tool search promotes tools). */
  readonly offer: ToolOffer;
  /** The loop's skills (matching, prompt section, tool scope, `load_skill`), or null. */
  readonly skills: SkillSession | null;
  /** Dynamic permission scopes in force, outermost first. */
  readonly permissions: readonly PermissionPolicy[];
  readonly startedAt: number;
  /** Clients of the loop's own `mcp_servers`, by server name (empty without them). */
  readonly mcpClients: ReadonlyMap<string, McpClient>;
}

/** Whether the model is offered any tool (registry tools, or the `load_skill` tool of a skills loop). */
export function offersTools(env: LoopEnv): boolean {
  return env.offer.hasTools || env.skills !== null;
}

/** Calls Harn code under the loop's context. */
export function callInLoop(
  env: Pick<LoopEnv, "host">,
  fn: Value,
  args: Value[],
  ctx?: TaskContext,
): Promise<Value> {
  return callHarn(env.host, fn, args, ctx);
}

/** Repeated identical tool calls: warn, then replace the result, then skip the call. */
export class ToolCallTracker {
  private readonly entries = new Map<string, { count: number; result: string }>();

  constructor(
    private readonly warn: number,
    private readonly block: number,
    private readonly skip: number,
  ) {}

  private level(count: number): LoopIntervention {
    if (count >= this.skip) return { kind: "skip", count };
    if (count >= this.block) return { kind: "block", count };
    if (count >= this.warn) return { kind: "warn", count };
    return { kind: "proceed", count };
  }

  /** Before dispatch: would this repeat be skipped? */
  check(key: string): LoopIntervention {
    const e = this.entries.get(key);
    return e === undefined ? { kind: "proceed", count: 0 } : this.level(e.count + 1);
  }

  /** After dispatch: counts identical results for the same call. */
  record(key: string, result: string): LoopIntervention {
    const e = this.entries.get(key);
    if (e === undefined) {
      this.entries.set(key, { count: 1, result });
      return { kind: "proceed", count: 1 };
    }
    if (e.result !== result) {
      e.count = 1;
      e.result = result;
      return { kind: "proceed", count: 1 };
    }
    e.count++;
    return this.level(e.count);
  }
}

export type LoopIntervention = {
  readonly kind: "proceed" | "warn" | "block" | "skip";
  readonly count: number;
};

export function interventionMessage(tool: string, result: string, i: LoopIntervention): string | null {
  switch (i.kind) {
    case "proceed":
      return null;
    case "warn": {
      const first = result.split("\n")[0] || "(empty)";
      return `\n[LOOP DETECTED] This exact ${tool}() call has produced the same result ${i.count} times. The result says: "${first}". Try a DIFFERENT tool or DIFFERENT parameters.`;
    }
    case "block":
      return `BLOCKED: ${tool}() has failed ${i.count} times identically. You MUST use a different approach. Pick a different available tool or change your parameters.`;
    case "skip":
      return `BLOCKED: ${tool}() was NOT executed (repeated ${i.count} times identically). This call will not be executed again with these arguments. You MUST change your approach NOW.`;
  }
}

export class LoopState {
  visible: JsonObject[];
  recorded: JsonObject[];
  readonly events: Dict[] = [];
  summary: string | null;
  totalText = "";
  lastIterationText = "";
  totalIterations = 0;
  resumedIterations = 0;
  consecutiveTextOnly = 0;
  consecutiveSingleToolTurns = 0;
  idleBackoffMs = 100;
  lastRunExitCode: number | null = null;
  readonly allTools: string[] = [];
  readonly successfulTools: string[] = [];
  readonly rejectedTools: string[] = [];
  readonly grants = new Set<string>();
  readonly deferredUserMessages: string[] = [];
  daemonState: string;
  daemonSnapshotPath: string | null = null;
  watchStamps: Record<string, number> = {};
  nativeFallbacks = 0;
  nativeFallbackRejections = 0;
  /** Tool names the model may call this turn (text-mode parsing accepts only these). */
  offeredNames: ReadonlySet<string> = new Set();
  finalStatus = "done";
  loopCostUsd = 0;
  loopTokens = 0;
  readonly tracker: ToolCallTracker;
  private callSeq = 0;

  constructor(
    readonly sessionId: string,
    readonly anonymous: boolean,
    messages: JsonObject[],
    summary: string | null,
    config: AgentLoopConfig,
  ) {
    this.visible = [...messages];
    this.recorded = [...messages];
    this.summary = summary;
    this.daemonState = config.daemon ? "active" : "done";
    this.tracker = new ToolCallTracker(
      config.loopDetect.warn,
      config.loopDetect.block,
      config.loopDetect.skip,
    );
  }

  append(message: JsonObject): void {
    this.visible.push(message);
    this.recorded.push(message);
  }

  event(e: Dict): void {
    this.events.push(e);
  }

  reject(tool: string): void {
    if (!this.rejectedTools.includes(tool)) this.rejectedTools.push(tool);
  }

  /** Ids for tool calls parsed out of text, unique within the run. */
  nextCallId(name: string): string {
    return `tc_${++this.callSeq}_${name}`;
  }
}
