// The command-runner policy (spec: "Command policy"): a dict made by
// `command_policy({...})` that `host_call("process.exec", ...)` consults
// before a process spawns. It lives on the task context's command-policy
// stack — the same stack `with_command_policy(policy, fn)` and an
// `agent_loop`'s `command_policy` option push onto — so entries are kept
// as the Harn dicts the program made and parsed here when consulted.
//
// Parsing is strict (a wrong field type is an error naming the field), so
// a typo in a policy fails where the policy is made, not silently at the
// first command.

import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import type { TaskContext } from "../task-context.ts";
import { push, top } from "../task-context.ts";

export const DEFAULT_SHELL_MODE = "argv_only";

/** A parsed command policy. */
export interface CommandPolicy {
  readonly tools: readonly string[];
  readonly workspaceRoots: readonly string[];
  readonly defaultShellMode: string;
  readonly denyPatterns: readonly string[];
  readonly requireApproval: ReadonlySet<string>;
  readonly pre: Closure | null;
  readonly post: Closure | null;
  /** When false, a pre/post hook that itself runs process.exec is refused. */
  readonly allowRecursive: boolean;
}

function stringField(d: Dict, key: string): string | null {
  const v = d.get(key);
  if (v === null) return null;
  if (typeof v === "string") return v;
  throw runtimeError(`command_policy.${key} must be a string, got ${typeName(v)}`);
}

function stringListField(d: Dict, key: string): string[] {
  const v = d.get(key);
  if (v === null) return [];
  if (!Array.isArray(v)) throw runtimeError(`command_policy.${key} must be a list, got ${typeName(v)}`);
  return v.map((item) => {
    if (typeof item === "string") return item;
    throw runtimeError(`command_policy.${key} entries must be strings, got ${typeName(item)}`);
  });
}

function boolField(d: Dict, key: string): boolean | null {
  const v = d.get(key);
  if (v === null) return null;
  if (typeof v === "boolean") return v;
  throw runtimeError(`command_policy.${key} must be a bool, got ${typeName(v)}`);
}

function closureField(d: Dict, key: string): Closure | null {
  const v = d.get(key);
  if (v === null) return null;
  if (v instanceof Closure) return v;
  throw runtimeError(`command_policy.${key} must be a closure, got ${typeName(v)}`);
}

/** Parses a policy value; `label` names the builtin or option for the error. */
export function parseCommandPolicy(value: Value, label: string): CommandPolicy {
  if (!(value instanceof Dict)) throw runtimeError(`${label}: command_policy must be a dict`);
  return {
    tools: stringListField(value, "tools"),
    workspaceRoots: stringListField(value, "workspace_roots"),
    defaultShellMode: stringField(value, "default_shell_mode") ?? DEFAULT_SHELL_MODE,
    denyPatterns: stringListField(value, "deny_patterns"),
    requireApproval: new Set(stringListField(value, "require_approval")),
    pre: closureField(value, "pre"),
    post: closureField(value, "post"),
    allowRecursive: boolField(value, "allow_recursive") ?? false,
  };
}

/**
 * `command_policy(config)`: the config with its defaults filled in and a
 * `_type` tag, validated. It stays a plain dict so programs can extend it
 * (`policy + {deny_patterns: [...]}`) and re-normalise.
 */
export function normalizeCommandPolicy(config: Value | undefined): Dict {
  if (config === undefined) throw runtimeError("command_policy: config dict is required");
  if (!(config instanceof Dict)) throw runtimeError("command_policy: config must be a dict");
  const out = new Map(config.map);
  const defaults: [string, Value][] = [
    ["_type", "command_policy"],
    ["default_shell_mode", DEFAULT_SHELL_MODE],
    ["workspace_roots", []],
    ["deny_patterns", []],
    ["require_approval", []],
  ];
  for (const [key, value] of defaults) if (!out.has(key)) out.set(key, value);
  const normalized = new Dict(out);
  parseCommandPolicy(normalized, "command_policy");
  return normalized;
}

/** The innermost policy in force for a task, parsed; null when none is. */
export function currentCommandPolicy(ctx: TaskContext): CommandPolicy | null {
  const entry = top(ctx.slots.commandPolicies) as Value | undefined;
  if (entry === undefined || entry === null) return null;
  return parseCommandPolicy(entry, "command policy");
}

/** `command_policy_push(policy)`: the context with the policy on top (validated first). */
export function pushCommandPolicy(ctx: TaskContext, policy: Value | undefined): TaskContext {
  if (policy === undefined || policy === null) {
    throw runtimeError("command_policy_push: policy is required");
  }
  parseCommandPolicy(policy, "command_policy_push");
  return ctx.with({ commandPolicies: push(ctx.slots.commandPolicies, policy) });
}

/** `command_policy_pop()`: the context without its innermost policy (a no-op on an empty stack). */
export function popCommandPolicy(ctx: TaskContext): TaskContext {
  const stack = ctx.slots.commandPolicies;
  return stack === null ? ctx : ctx.with({ commandPolicies: stack.tail });
}
