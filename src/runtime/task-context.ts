// The ambient scope of a task (DESIGN §4): every piece of capability and
// identity state a builtin may consult lives here, one object per task,
// never in module-level variables. Stacks are immutable linked lists, so a
// child's copy costs one pointer per slot. Children are made only by the
// two constructors below, and SPAWN_INHERITANCE is typed as a Record over
// every slot: adding a slot without deciding how spawned workers inherit
// it is a compile error (the seed's drift guard, enforced by the compiler).

import type { AmbientContext } from "../vm/task.ts";

/** An immutable stack: a push makes a new head, sharing the tail. */
export type Stack<T> = { readonly head: T; readonly tail: Stack<T> } | null;

export function push<T>(stack: Stack<T>, value: T): Stack<T> {
  return { head: value, tail: stack };
}

export function top<T>(stack: Stack<T>): T | undefined {
  return stack === null ? undefined : stack.head;
}

export function stackDepth<T>(stack: Stack<T>): number {
  let n = 0;
  for (let s = stack; s !== null; s = s.tail) n++;
  return n;
}

export interface ExecutionContext {
  readonly cwd: string;
  readonly env: ReadonlyMap<string, string>;
  /** Directory of the source file (asset paths resolve against it). */
  readonly sourceDir: string;
  /** Root that filesystem builtins may not escape, if any. */
  readonly pathScopeRoot: string | null;
}

/** Every ambient slot. Values are opaque here; the runtime modules that own them give them types. */
export interface TaskContextSlots {
  readonly executionPolicies: Stack<unknown>;
  readonly approvalPolicies: Stack<unknown>;
  readonly commandPolicies: Stack<unknown>;
  readonly dynamicPermissions: Stack<unknown>;
  /** Task-local values (`runtime_context_set`) and context overlay fields. */
  readonly runtimeValues: ReadonlyMap<string, unknown>;
  readonly autonomyPolicy: unknown;
  readonly llmRenderFrames: Stack<unknown>;
  readonly connectorContext: Stack<unknown>;
  readonly agentSessions: Stack<string>;
  readonly executionContext: ExecutionContext | null;
  readonly mutationSession: unknown;
  readonly hostBridge: unknown;
  readonly trustedBridgeDepth: number;
  readonly commandHookDepth: number;
  readonly activeSteps: Stack<unknown>;
  readonly personaFrames: Stack<unknown>;
  /**
   * The tool registry (a Harn `tool_registry` dict) bound for this scope:
   * `agent_loop` binds its registry for its tool handlers, so nested
   * `sub_agent_run` calls without `tools` and tool-name lookups see it.
   */
  readonly toolRegistry: unknown;
  /**
   * Skills a `workflow_execute` run installed for its stages (`{registry,
   * match}`, owned by stdlib/workflow): agent loops inside the run —
   * nested sub-agents included — use them when they name no `skills:`.
   */
  readonly workflowSkills: unknown;
}

/** How a spawned worker gets a slot: the parent's value, or a fresh empty one. */
export type Inheritance = "inherit" | "fresh";

/**
 * The classification table for spawned workers. Inline subtasks copy every
 * slot. Must name every slot of TaskContextSlots (checked by the compiler).
 */
export const SPAWN_INHERITANCE: Readonly<Record<keyof TaskContextSlots, Inheritance>> = {
  executionPolicies: "fresh",
  approvalPolicies: "fresh",
  commandPolicies: "inherit",
  dynamicPermissions: "inherit",
  runtimeValues: "inherit",
  autonomyPolicy: "inherit",
  llmRenderFrames: "fresh",
  connectorContext: "fresh",
  agentSessions: "fresh",
  executionContext: "inherit",
  mutationSession: "inherit",
  hostBridge: "inherit",
  trustedBridgeDepth: "fresh",
  commandHookDepth: "fresh",
  activeSteps: "fresh",
  personaFrames: "fresh",
  // A worker is configured with its own tools; the spawner's binding must not leak in.
  toolRegistry: "fresh",
  // Delegated work keeps the workflow's skill firewall, as in the reference.
  workflowSkills: "inherit",
};

export const EMPTY_SLOTS: TaskContextSlots = {
  executionPolicies: null,
  approvalPolicies: null,
  commandPolicies: null,
  dynamicPermissions: null,
  runtimeValues: new Map(),
  autonomyPolicy: null,
  llmRenderFrames: null,
  connectorContext: null,
  agentSessions: null,
  executionContext: null,
  mutationSession: null,
  hostBridge: null,
  trustedBridgeDepth: 0,
  commandHookDepth: 0,
  activeSteps: null,
  personaFrames: null,
  toolRegistry: null,
  workflowSkills: null,
};

export class TaskContext implements AmbientContext {
  constructor(readonly slots: TaskContextSlots = EMPTY_SLOTS) {}

  /** A copy with some slots replaced (the receiver is unchanged). */
  with(changes: Partial<TaskContextSlots>): TaskContext {
    return new TaskContext({ ...this.slots, ...changes });
  }

  forInlineSubtask(): TaskContext {
    return new TaskContext(this.slots);
  }

  forSpawnedWorker(): TaskContext {
    const child: Record<string, unknown> = {};
    for (const key of Object.keys(SPAWN_INHERITANCE) as (keyof TaskContextSlots)[]) {
      child[key] = SPAWN_INHERITANCE[key] === "inherit" ? this.slots[key] : EMPTY_SLOTS[key];
    }
    return new TaskContext(child as unknown as TaskContextSlots);
  }
}

/** The context of the task running a builtin (`ctx.task.ctx`), typed. */
export function contextOf(task: { ctx: AmbientContext }): TaskContext {
  return task.ctx as TaskContext;
}
