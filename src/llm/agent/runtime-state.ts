// Per-VM state of the agent runtime: the session store, the log of nested
// execution descents, feedback queued for running sessions, and the file
// access daemon and worker snapshots need. One VM is the unit of
// isolation (as in llm/state.ts); what is ambient per task lives on the
// TaskContext instead.

import type { NestedDescent } from "../../runtime/budget/nested-budget.ts";
import type { Task } from "../../vm/task.ts";
import type { Dict, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { AgentFiles } from "./daemon.ts";
import type { McpClient } from "../mcp/client.ts";
import type { McpServerSpec } from "../mcp/registry.ts";
import { SessionStore } from "./sessions.ts";

export interface SkillMcpBinder {
  bind(server: string): Promise<void>;
  release(server: string): void;
  isRegistered(server: string): boolean;
}

export interface QueuedFeedback {
  readonly kind: string;
  readonly content: string;
}

export class AgentRuntime {
  readonly sessions = new SessionStore();
  /** `policy.nested_execution_descent` records, oldest first (embedders and tests read them). */
  readonly descents: NestedDescent[] = [];
  /** `agent_inject_feedback` items per session, drained before the session's next turn. */
  private readonly feedback = new Map<string, QueuedFeedback[]>();
  /** `agent_subscribe` callbacks per session, called with each agent event of that session. */
  private readonly subscribers = new Map<string, Value[]>();
  private sequence = 0;
  /** Binds a skill's MCP servers (installed by the stdlib layer when MCP is available). */
  skillMcp: ((vm: Vm) => SkillMcpBinder | null) | null = null;
  /** Connects an MCP server for an agent loop's `mcp_servers` (installed by the stdlib layer). */
  connectMcp: ((spec: McpServerSpec) => Promise<McpClient>) | null = null;
  /** Renders a prompt template asset as seen from `owner`'s code (installed by the stdlib layer). */
  renderPrompt: ((path: string, bindings: Dict, owner: Task) => string) | null = null;

  constructor(readonly files: AgentFiles | null) {}

  /** A per-VM sequence number, for ids that must be unique within a run. */
  next(): number {
    return ++this.sequence;
  }

  queueFeedback(sessionId: string, item: QueuedFeedback): void {
    const list = this.feedback.get(sessionId) ?? [];
    list.push(item);
    this.feedback.set(sessionId, list);
  }

  subscribe(sessionId: string, callback: Value): void {
    this.subscribers.set(sessionId, [...(this.subscribers.get(sessionId) ?? []), callback]);
  }

  subscribersOf(sessionId: string): readonly Value[] {
    return this.subscribers.get(sessionId) ?? [];
  }

  drainFeedback(sessionId: string): QueuedFeedback[] {
    const list = this.feedback.get(sessionId) ?? [];
    this.feedback.delete(sessionId);
    return list;
  }
}

const runtimes = new WeakMap<Vm, AgentRuntime>();

/** Creates the VM's agent runtime (once; later calls return the existing one). */
export function installAgentRuntime(vm: Vm, files: AgentFiles | null): AgentRuntime {
  let r = runtimes.get(vm);
  if (!r) {
    r = new AgentRuntime(files);
    runtimes.set(vm, r);
  }
  return r;
}

export function agentRuntimeOf(vm: Vm): AgentRuntime {
  const r = runtimes.get(vm);
  if (!r) throw new Error("the agent runtime is not installed on this VM (call registerAgents first)");
  return r;
}
