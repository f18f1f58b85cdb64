// Scoped names for shared state and mailboxes (spec "Scoped shared state").
// A handle is a plain dict `{_type, scope, key}`: the scope part is resolved
// once, from the opening task's runtime context, so every task that later
// receives the handle reaches the same cell, map or mailbox; a bare name
// resolves against the calling task's `task_group` scope instead.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { contextOf, top } from "../task-context.ts";

export interface ScopedKey {
  readonly scope: string;
  readonly key: string;
}

/** `scope` and `key` joined, for use as a map key. */
export function scopedId(s: ScopedKey): string {
  return `${s.scope}\u0000${s.key}`;
}

/** A dict field as text: nil and absent are missing; other values print as displayed. */
export function dictString(d: Dict, field: string): string | null {
  const v = d.map.get(field);
  if (v === undefined || v === null) return null;
  return typeof v === "string" ? v : display(v);
}

/** The runtime-context fields scopes are resolved from; empty means unknown. */
function contextField(task: Task, field: string): string | null {
  const id = task.identity;
  let v: string | null | undefined;
  switch (field) {
    case "task_id":
      v = id.id;
      break;
    case "root_task_id":
      v = id.rootId;
      break;
    case "task_group_id":
      v = id.groupId;
      break;
    case "agent_session_id":
      v = top(contextOf(task).slots.agentSessions);
      break;
    default:
      // run, root session and tenant ids are not tracked by the runtime context yet.
      v = null;
  }
  return typeof v === "string" && v !== "" ? v : null;
}

/** `<scope>:<resolved id>` for a scope name, e.g. `task_group:task_root`. */
export function resolveScope(task: Task, rawScope: string | null, options: Dict | null, fn: string): string {
  const scope = rawScope ?? "task_group";
  const pick = (...fields: string[]): string => {
    for (const f of fields) {
      const v = contextField(task, f);
      if (v !== null) return v;
    }
    return "task_root";
  };
  let resolved: string;
  switch (scope) {
    case "task":
    case "task_local":
    case "task-local":
      resolved = pick("task_id");
      break;
    case "root_task":
    case "root-task":
      resolved = pick("root_task_id");
      break;
    case "task_group":
    case "task-group":
    case "workflow":
    case "workflow_local":
    case "workflow-local":
      resolved = pick("task_group_id", "run_id", "root_task_id");
      break;
    case "workflow_run":
    case "workflow-run":
    case "run":
      resolved = pick("run_id", "task_group_id", "root_task_id");
      break;
    case "agent_session":
    case "agent-session":
    case "session":
      resolved = pick("agent_session_id", "root_agent_session_id", "root_task_id");
      break;
    case "tenant":
    case "tenant_scoped":
    case "tenant-scoped": {
      const tenant = (options && dictString(options, "tenant_id")) ?? contextField(task, "tenant_id");
      if (tenant === null) {
        throw runtimeError(`${fn}: tenant scope requires tenant_id in options or runtime context`);
      }
      resolved = tenant;
      break;
    }
    case "process":
    case "global":
      resolved = "process";
      break;
    case "durable":
    case "event_log":
    case "event-log":
      throw runtimeError(`${fn}: durable shared state is explicit; use store_* or agent_state_* APIs`);
    case "external":
    case "host":
      throw runtimeError(`${fn}: external shared state must be provided by a host/connector builtin`);
    default:
      resolved = scope;
  }
  return `${scope}:${resolved}`;
}

/** The name and options of an `*_open(name_or_options, ...)` call. */
export function scopedFromOpenArgs(
  task: Task,
  args: Value[],
  fn: string,
  keyField: string,
): { scoped: ScopedKey; options: Dict | null } {
  const first = args[0];
  const options = first instanceof Dict ? first : null;
  let key: string | null;
  if (options) {
    key = dictString(options, keyField) ?? dictString(options, "key") ?? dictString(options, "name");
  } else {
    key = first === undefined ? null : display(first);
    if (key === "") key = null;
  }
  if (key === null) throw runtimeError(`${fn}: key/name is required`);
  const rawScope = options ? dictString(options, "scope") : null;
  return { scoped: { scope: resolveScope(task, rawScope, options, fn), key }, options };
}

/** The scoped key of a handle dict of kind `expected`, or of a bare name in the task's group scope. */
export function scopedFromHandleOrName(task: Task, v: Value, expected: string, fn: string): ScopedKey {
  if (v instanceof Dict) {
    if ((dictString(v, "_type") ?? "") !== expected) throw runtimeError(`${fn}: expected ${expected} handle`);
    const scope = dictString(v, "scope");
    if (scope === null) throw runtimeError(`${fn}: ${expected} handle missing scope`);
    const key = dictString(v, "key");
    if (key === null) throw runtimeError(`${fn}: ${expected} handle missing key`);
    return { scope, key };
  }
  const key = display(v);
  if (key === "") throw runtimeError(`${fn}: name must not be empty`);
  return { scope: resolveScope(task, null, null, fn), key };
}

export function handleValue(kind: string, s: ScopedKey): Dict {
  return Dict.of({ _type: kind, scope: s.scope, key: s.key });
}
