// The `__agent_state_*` builtins behind `std/agent_state` (seed 003):
// handles are plain dicts naming the backend, the resolved root, the
// session, the conflict policy and the writer; every operation re-reads
// them, so a hand-built handle works too. Storage goes through a
// DurableStateBackend (the filesystem one by default). A relative root
// resolves against the task's working directory, like every file builtin.

import { v7 as uuidV7 } from "uuid";
import { requireCapability } from "../../runtime/policy/enforce.ts";
import { contextOf, top } from "../../runtime/task-context.ts";
import {
  type BackendScope,
  type ConflictPolicy,
  type DurableStateBackend,
  StateError,
  type WriteOptions,
  type WriterIdentity,
} from "../../state/backend.ts";
import { HANDOFF_KEY, handoffEnvelope, typedHandoff } from "../../state/handoff.ts";
import { prettyJson } from "../../state/json-text.ts";
import { conflictMessage, parseConflictPolicy } from "../../state/writer.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { resolveFsPath } from "../system/locations.ts";
import { asDict, dictArg, optionText, requiredText } from "./options.ts";
import { mutationSessionOf } from "./sessions.ts";

const HANDLE_TYPE = "state_handle";

interface Handle {
  readonly scope: BackendScope;
  readonly write: WriteOptions;
}

/** Backend failures become runtime errors carrying the backend's message. */
async function guarded<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof StateError) throw runtimeError(e.message);
    throw e;
  }
}

function policyOf(options: Dict | undefined): ConflictPolicy {
  const v = options?.map.get("conflict_policy") ?? options?.map.get("two_writer");
  return parseConflictPolicy(v === undefined ? "ignore" : display(v));
}

/** Writer identity for a handle on `sessionId` (seed 003 precedence rules). */
function writerFor(ctx: BuiltinContext, options: Dict | undefined, sessionId: string): WriterIdentity {
  const mutation = mutationSessionOf(ctx);
  const workerId = optionText(options, "worker_id") ?? mutation?.workerId;
  const stageId = optionText(options, "stage_id") ?? workerId ?? mutation?.runId ?? mutation?.executionKind;
  const writerId = optionText(options, "writer_id") ?? workerId ?? stageId ?? sessionId;
  return { writerId, stageId, sessionId, workerId };
}

/** The session a new handle uses when none is given: the task's agent session, its mutation session, or a new id. */
function defaultSessionId(ctx: BuiltinContext): string {
  const agent = top(contextOf(ctx.task).slots.agentSessions);
  if (agent !== undefined && agent !== "") return agent;
  return mutationSessionOf(ctx)?.sessionId || uuidV7();
}

function handleValue(backend: DurableStateBackend, scope: BackendScope, write: WriteOptions): Dict {
  const w = write.writer;
  return Dict.of({
    _type: HANDLE_TYPE,
    backend: backend.name,
    root: scope.root,
    session_id: scope.namespace,
    handoff_key: HANDOFF_KEY,
    conflict_policy: write.conflictPolicy,
    writer: Dict.of({
      writer_id: w.writerId ?? null,
      stage_id: w.stageId ?? null,
      session_id: w.sessionId ?? null,
      worker_id: w.workerId ?? null,
    }),
  });
}

function handleFrom(args: readonly Value[], builtin: string): Handle {
  const dict = dictArg(args[0]);
  if (args[0] === undefined || args[0] === null) throw runtimeError(`${builtin}: \`handle\` is required`);
  const type = dict?.map.get("_type");
  if (dict === undefined || type === undefined || display(type) !== HANDLE_TYPE) {
    throw runtimeError(`${builtin}: \`handle\` must be a state_handle dict`);
  }
  const root = optionText(dict, "root");
  if (root === undefined) throw runtimeError("state_handle is missing `root`");
  const sessionId = optionText(dict, "session_id");
  if (sessionId === undefined) throw runtimeError("state_handle is missing `session_id`");
  const w = dictArg(dict.map.get("writer"));
  const writer: WriterIdentity = {
    writerId: optionText(w, "writer_id"),
    stageId: optionText(w, "stage_id"),
    sessionId: optionText(w, "session_id"),
    workerId: optionText(w, "worker_id"),
  };
  return {
    scope: { root, namespace: sessionId },
    write: { writer, conflictPolicy: parseConflictPolicy(optionText(dict, "conflict_policy") ?? "ignore") },
  };
}

interface OpenRequest {
  readonly root: string;
  readonly options: Dict | undefined;
  readonly sessionId: string | undefined;
}

function parseInit(args: readonly Value[]): OpenRequest {
  const [a, b, c] = args;
  if (typeof a === "string" && (b === undefined || b === null || b instanceof Dict)) {
    return { root: a, options: dictArg(b), sessionId: undefined };
  }
  if (typeof a === "string" && typeof b === "string") {
    // Legacy order: (session_id, root, options?).
    return { root: b, options: dictArg(c), sessionId: a };
  }
  throw runtimeError("__agent_state_init: expected `(root, options?)` or `(session_id, root, options?)`");
}

export function registerAgentState(vm: Vm, host: SystemHost, backend: DurableStateBackend): void {
  const b = (name: string, fn: (args: Value[], ctx: BuiltinContext) => Promise<Value>): void =>
    vm.registerBuiltin(name, (args, ctx) => {
      requireCapability(ctx, name, "agent_state", "access", null);
      return guarded(() => fn(args, ctx));
    });

  /** Opens a handle; `create` makes the session directory, otherwise it must exist. */
  const open = async (ctx: BuiltinContext, req: OpenRequest, create: boolean): Promise<Value> => {
    const sessionId = req.sessionId ?? optionText(req.options, "session_id") ?? defaultSessionId(ctx);
    const scope: BackendScope = { root: resolveFsPath(ctx, host, req.root), namespace: sessionId };
    const write: WriteOptions = {
      writer: writerFor(ctx, req.options, sessionId),
      conflictPolicy: policyOf(req.options),
    };
    if (create) await backend.ensureScope(scope);
    else await backend.resumeScope(scope);
    return handleValue(backend, scope, write);
  };

  /** Writes through the backend and applies the handle's conflict policy. */
  const write = async (ctx: BuiltinContext, handle: Handle, key: string, content: string): Promise<Value> => {
    const outcome = await backend.write(handle.scope, key, content, handle.write);
    if (outcome.conflict !== null && handle.write.conflictPolicy === "warn") {
      ctx.vm.writeError(`[harn] warning: ${conflictMessage(outcome.conflict)}\n`);
    }
    return null;
  };

  b("__agent_state_init", async (args, ctx) => open(ctx, parseInit(args), true));
  b("__agent_state_resume", async (args, ctx) => {
    const root = requiredText(args, 0, "__agent_state_resume", "root");
    const sessionId = requiredText(args, 1, "__agent_state_resume", "session_id");
    return open(ctx, { root, sessionId, options: dictArg(args[2]) }, false);
  });
  b("__agent_state_write", async (args, ctx) => {
    const handle = handleFrom(args, "__agent_state_write");
    const key = requiredText(args, 1, "__agent_state_write", "key");
    const content = requiredText(args, 2, "__agent_state_write", "content");
    return write(ctx, handle, key, content);
  });
  b("__agent_state_read", async (args) => {
    const handle = handleFrom(args, "__agent_state_read");
    return backend.read(handle.scope, requiredText(args, 1, "__agent_state_read", "key"));
  });
  b("__agent_state_list", async (args) => backend.list(handleFrom(args, "__agent_state_list").scope));
  b("__agent_state_delete", async (args) => {
    const handle = handleFrom(args, "__agent_state_delete");
    await backend.delete(handle.scope, requiredText(args, 1, "__agent_state_delete", "key"));
    return null;
  });
  b("__agent_state_handoff", async (args, ctx) => {
    const handle = handleFrom(args, "__agent_state_handoff");
    if (args[1] === undefined || args[1] === null) {
      throw runtimeError("__agent_state_handoff: `summary` is required");
    }
    const summary = asDict(args[1]);
    if (summary === undefined) throw runtimeError("__agent_state_handoff: `summary` must be a JSON object");
    const nowSeconds = Math.floor(host.nowMs() / 1000);
    const envelope = handoffEnvelope({
      sessionId: handle.scope.namespace,
      root: handle.scope.root,
      summary,
      handoff: typedHandoff(summary, {
        newId: () => `handoff_${uuidV7()}`,
        now: () => String(nowSeconds),
        parentRunId: mutationSessionOf(ctx)?.runId ?? null,
      }),
      writer: handle.write.writer,
      writtenAt: nowSeconds,
    });
    return write(ctx, handle, HANDOFF_KEY, prettyJson(envelope));
  });
}
