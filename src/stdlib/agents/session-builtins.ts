// The `agent_session_*` builtins (spec: "Agent sessions"): explicit
// lifecycle of the VM's session store — open (idempotent), exists,
// length, snapshot, ancestry, reset, fork, fork_at, trim, inject, close —
// plus `agent_session_current_id()`, read from the calling task's
// agent-session stack (the innermost running agent loop), nil outside.

import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { contextOf, top } from "../../runtime/task-context.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

function requiredId(args: Value[], i: number, fn: string, name: string): string {
  const v = args[i];
  if (typeof v !== "string" || v === "") throw runtimeError(`${fn}: \`${name}\` must be a non-empty string`);
  return v;
}

function optionalId(args: Value[], i: number, fn: string, name: string): string | null {
  const v = args[i];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || v === "") throw runtimeError(`${fn}: \`${name}\` must be a non-empty string`);
  return v;
}

function requiredInt(args: Value[], i: number, fn: string, name: string): number {
  const v = args[i];
  if (typeof v !== "number") throw runtimeError(`${fn}: \`${name}\` must be an int`);
  if (v < 0) throw runtimeError(`${fn}: \`${name}\` must be >= 0`);
  return v;
}

const unknown = (fn: string, id: string) => runtimeError(`${fn}: unknown session id '${id}'`);

export function registerSessionBuiltins(vm: Vm): void {
  const sessions = () => agentRuntimeOf(vm).sessions;
  const b = vm.registerBuiltin.bind(vm);
  b("agent_session_open", (args) => sessions().open(optionalId(args, 0, "agent_session_open", "id")));
  b("agent_session_exists", (args) => sessions().exists(requiredId(args, 0, "agent_session_exists", "id")));
  b("agent_session_length", (args) => {
    const id = requiredId(args, 0, "agent_session_length", "id");
    const n = sessions().length(id);
    if (n === undefined) throw unknown("agent_session_length", id);
    return n;
  });
  b(
    "agent_session_snapshot",
    (args) => sessions().snapshot(requiredId(args, 0, "agent_session_snapshot", "id")) ?? null,
  );
  b("agent_session_ancestry", (args) => {
    const a = sessions().ancestry(requiredId(args, 0, "agent_session_ancestry", "id"));
    if (a === undefined) return null;
    return Dict.of({ parent_id: a.parentId, child_ids: [...a.childIds], root_id: a.rootId });
  });
  b("agent_session_current_id", (_args, ctx) => top(contextOf(ctx.task).slots.agentSessions) ?? null);
  b("agent_session_reset", (args) => {
    const id = requiredId(args, 0, "agent_session_reset", "id");
    if (!sessions().reset(id)) throw unknown("agent_session_reset", id);
    return null;
  });
  b("agent_session_fork", (args) => {
    const src = requiredId(args, 0, "agent_session_fork", "src");
    const dst = optionalId(args, 1, "agent_session_fork", "dst");
    if (!sessions().exists(src)) throw unknown("agent_session_fork", src);
    return sessions().fork(src, dst) ?? null;
  });
  b("agent_session_fork_at", (args) => {
    const src = requiredId(args, 0, "agent_session_fork_at", "src");
    const keepFirst = requiredInt(args, 1, "agent_session_fork_at", "keep_first");
    const dst = optionalId(args, 2, "agent_session_fork_at", "dst");
    if (!sessions().exists(src)) throw unknown("agent_session_fork_at", src);
    return sessions().forkAt(src, keepFirst, dst) ?? null;
  });
  b("agent_session_close", (args) => {
    const id = requiredId(args, 0, "agent_session_close", "id");
    if (!sessions().exists(id)) throw unknown("agent_session_close", id);
    sessions().close(id);
    return null;
  });
  b("agent_session_trim", (args) => {
    const id = requiredId(args, 0, "agent_session_trim", "id");
    const keepLast = requiredInt(args, 1, "agent_session_trim", "keep_last");
    const kept = sessions().trim(id, keepLast);
    if (kept === undefined) throw unknown("agent_session_trim", id);
    return kept;
  });
  b("agent_session_inject", (args) => {
    const id = requiredId(args, 0, "agent_session_inject", "id");
    if (!sessions().exists(id)) throw unknown("agent_session_inject", id);
    if (args[1] === undefined) throw runtimeError("agent_session_inject: `message` required");
    sessions().inject(id, args[1]);
    return null;
  });
}
