// Messages to a running workflow (spec: "Workflow messages"): the
// `workflow` namespace — signal, query, update, publish_query, receive,
// respond_update, pause, resume, status, continue_as_new — over a
// per-workflow mailbox persisted as `<state root>/workflows/<id>/state.json`
// (`$HARN_STATE_DIR` or `.harn` under the project root). Signals, updates
// and pause/resume controls queue in order for `receive`; queries are the
// latest published values; `update` waits (polling the file, so another
// process may answer) until `respond_update` records its response or the
// timeout passes. A target is a workflow id, or a dict naming one
// (`workflow_id`, `workflow`, `run.workflow_id`, `result.run.workflow_id`)
// whose `base_dir` or persisted run path picks the base directory.

import { v7 as uuidV7 } from "uuid";
import { type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../../llm/json.ts";
import { runtimeError } from "../../vm/errors.ts";
import { BuiltinRef, type BuiltinContext, type BuiltinFn, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { executionRoot, findProjectRoot, sourceRoot } from "../system/locations.ts";
import { joinPath, pathBasename, pathParent, resolveAgainst } from "../system/path-text.ts";
import { stateRootOf } from "../state/state-root.ts";

const DEFAULT_UPDATE_TIMEOUT_MS = 30_000;
const UPDATE_POLL_MS = 25;

interface Message {
  seq: number;
  kind: string;
  name: string;
  request_id?: string;
  payload: JsonValue;
  enqueued_at: string;
}

interface Mailbox {
  _type: string;
  workflow_id: string;
  generation: number;
  continue_as_new_count: number;
  last_continue_as_new_at?: string;
  paused: boolean;
  next_seq: number;
  mailbox: Message[];
  queries: Record<string, { value: JsonValue; published_at: string }>;
  responses: Record<string, { request_id: string; name?: string; value: JsonValue; responded_at: string }>;
}

interface Target {
  readonly workflowId: string;
  readonly baseDir: string;
}

function sanitizeId(raw: string): string {
  const base = pathBasename(raw.trim()) || raw.trim();
  return base === "" || base === "." || base === ".." ? "workflow" : base;
}

/** The project the program runs in (nearest harn.toml), where workflow state lives by default. */
function runtimeBase(ctx: BuiltinContext, host: SystemHost): string {
  const exec = executionRoot(ctx, host);
  const source = sourceRoot(ctx, host);
  return findProjectRoot(host, exec) ?? findProjectRoot(host, source) ?? source;
}

/** A run persisted under `<base>/.harn-runs/` belongs to `<base>`; elsewhere, to its own directory. */
function baseOfPersistedPath(path: string): string {
  const parent = pathParent(path) || ".";
  return pathBasename(parent) === ".harn-runs" ? pathParent(parent) || parent : parent;
}

const textAt = (v: Value, ...keys: string[]): string | null => {
  let cur: Value = v;
  for (const k of keys) {
    if (!(cur instanceof Dict)) return null;
    cur = cur.get(k);
  }
  return typeof cur === "string" ? cur : null;
};

function parseTarget(v: Value | undefined, builtin: string, ctx: BuiltinContext, host: SystemHost): Target {
  if (v === undefined) throw runtimeError(`${builtin}: missing target`);
  const fallback = (): string => runtimeBase(ctx, host);
  if (typeof v === "string") return { workflowId: sanitizeId(v), baseDir: fallback() };
  const id =
    v instanceof Dict
      ? (textAt(v, "workflow_id") ??
        textAt(v, "workflow") ??
        textAt(v, "run", "workflow_id") ??
        textAt(v, "result", "run", "workflow_id"))
      : null;
  if (id === null) {
    throw runtimeError(`${builtin}: target must be a workflow id string or dict with workflow_id/workflow`);
  }
  const explicit = textAt(v, "base_dir");
  const persisted =
    textAt(v, "persisted_path") ??
    textAt(v, "path") ??
    textAt(v, "run", "persisted_path") ??
    textAt(v, "result", "run", "persisted_path");
  const base =
    explicit !== null && explicit.trim() !== ""
      ? explicit
      : persisted !== null
        ? baseOfPersistedPath(persisted)
        : fallback();
  return { workflowId: sanitizeId(id), baseDir: resolveAgainst(executionRoot(ctx, host), base) };
}

function statePath(host: SystemHost, t: Target): string {
  return joinPath(joinPath(joinPath(stateRootOf(host, t.baseDir), "workflows"), t.workflowId), "state.json");
}

function emptyMailbox(id: string): Mailbox {
  return {
    _type: "workflow_mailbox",
    workflow_id: id,
    generation: 1,
    continue_as_new_count: 0,
    paused: false,
    next_seq: 0,
    mailbox: [],
    queries: {},
    responses: {},
  };
}

function load(host: SystemHost, t: Target): Mailbox {
  const path = statePath(host, t);
  if (!host.exists(path)) return emptyMailbox(t.workflowId);
  let parsed: Partial<Mailbox>;
  try {
    parsed = JSON.parse(host.readText(path)) as Partial<Mailbox>;
  } catch (e) {
    throw runtimeError(`workflow state parse error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    ...emptyMailbox(t.workflowId),
    ...parsed,
    _type: parsed._type || "workflow_mailbox",
    workflow_id: parsed.workflow_id || t.workflowId,
    generation: parsed.generation || 1,
  };
}

function save(host: SystemHost, t: Target, state: Mailbox): void {
  const path = statePath(host, t);
  try {
    host.makeDir(pathParent(path));
    host.writeText(path, JSON.stringify(state, null, 2));
  } catch (e) {
    throw runtimeError(`workflow state write error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function statusValue(t: Target, s: Mailbox): Dict {
  return Dict.of({
    workflow_id: t.workflowId,
    base_dir: t.baseDir,
    generation: s.generation,
    paused: s.paused,
    pending_count: s.mailbox.length,
    query_count: Object.keys(s.queries).length,
    response_count: Object.keys(s.responses).length,
    continue_as_new_count: s.continue_as_new_count,
    last_continue_as_new_at: s.last_continue_as_new_at ?? null,
  });
}

const now = (): string => new Date().toISOString();

function enqueue(s: Mailbox, kind: string, name: string, payload: JsonValue, requestId?: string): Message {
  s.next_seq += 1;
  const message: Message = { seq: s.next_seq, kind, name, payload, enqueued_at: now() };
  if (requestId !== undefined) message.request_id = requestId;
  s.mailbox.push(message);
  return message;
}

function messageValue(m: Message): Dict {
  return jsonToValue(m as unknown as JsonObject) as Dict;
}

function nameArg(args: Value[], i: number, builtin: string, what = "name"): string {
  const v = args[i];
  const s = v === undefined || v === null ? "" : typeof v === "string" ? v : String(valueToJson(v));
  if (s === "") throw runtimeError(`${builtin}: missing ${what}`);
  return s;
}

const payloadArg = (args: Value[], i: number): JsonValue => valueToJson(args[i] ?? null);

function updateTimeout(v: Value | undefined): number {
  const t = v instanceof Dict ? v.get("timeout_ms") : null;
  return Math.max(1, typeof t === "number" ? t : DEFAULT_UPDATE_TIMEOUT_MS);
}

function bump(s: Mailbox): void {
  s.generation += 1;
  s.continue_as_new_count += 1;
  s.last_continue_as_new_at = now();
  s.responses = {};
}

export function registerWorkflowMessages(vm: Vm, host: SystemHost): void {
  const target = (args: Value[], builtin: string, ctx: BuiltinContext): Target =>
    parseTarget(args[0], builtin, ctx, host);
  const control = (name: "pause" | "resume") => (args: Value[], ctx: BuiltinContext) => {
    const t = target(args, `workflow.${name}`, ctx);
    const s = load(host, t);
    s.paused = name === "pause";
    enqueue(s, "control", name, {});
    save(host, t, s);
    return statusValue(t, s);
  };
  const continueAsNew = (builtin: string) => (args: Value[], ctx: BuiltinContext) => {
    const t = target(args, builtin, ctx);
    const s = load(host, t);
    bump(s);
    save(host, t, s);
    return statusValue(t, s);
  };
  const ops: Record<string, BuiltinFn> = {
    signal: (args, ctx) => {
      const t = target(args, "workflow.signal", ctx);
      const name = nameArg(args, 1, "workflow.signal");
      const s = load(host, t);
      const message = enqueue(s, "signal", name, payloadArg(args, 2));
      save(host, t, s);
      return Dict.of({
        workflow_id: t.workflowId,
        message: messageValue(message),
        status: statusValue(t, s),
      });
    },
    query: (args, ctx) => {
      const t = target(args, "workflow.query", ctx);
      const name = nameArg(args, 1, "workflow.query");
      return jsonToValue(load(host, t).queries[name]?.value ?? null);
    },
    update: (args, ctx) => {
      const t = target(args, "workflow.update", ctx);
      const name = nameArg(args, 1, "workflow.update");
      const timeout = updateTimeout(args[3]);
      const requestId = uuidV7();
      const s = load(host, t);
      enqueue(s, "update", name, payloadArg(args, 2), requestId);
      save(host, t, s);
      return awaitResponse(host, t, name, requestId, timeout);
    },
    publish_query: (args, ctx) => {
      const t = target(args, "workflow.publish_query", ctx);
      const name = nameArg(args, 1, "workflow.publish_query");
      const s = load(host, t);
      s.queries[name] = { value: payloadArg(args, 2), published_at: now() };
      save(host, t, s);
      return statusValue(t, s);
    },
    receive: (args, ctx) => {
      const t = target(args, "workflow.receive", ctx);
      const s = load(host, t);
      const m = s.mailbox.shift();
      if (m === undefined) return null;
      save(host, t, s);
      return Dict.of({
        workflow_id: t.workflowId,
        seq: m.seq,
        kind: m.kind,
        name: m.name,
        request_id: m.request_id ?? null,
        payload: jsonToValue(m.payload),
        enqueued_at: m.enqueued_at,
      });
    },
    respond_update: (args, ctx) => {
      const t = target(args, "workflow.respond_update", ctx);
      const requestId = nameArg(args, 1, "workflow.respond_update", "request id");
      const nameValue = args[3];
      const s = load(host, t);
      const response: Mailbox["responses"][string] = {
        request_id: requestId,
        value: payloadArg(args, 2),
        responded_at: now(),
      };
      if (typeof nameValue === "string" && nameValue !== "") response.name = nameValue;
      s.responses[requestId] = response;
      save(host, t, s);
      return statusValue(t, s);
    },
    pause: control("pause"),
    resume: control("resume"),
    status: (args, ctx) => {
      const t = target(args, "workflow.status", ctx);
      return statusValue(t, load(host, t));
    },
    continue_as_new: continueAsNew("workflow.continue_as_new"),
  };
  const members = new Map<string, Value>();
  for (const [op, fn] of Object.entries(ops)) {
    vm.registerBuiltin(`workflow.${op}`, fn);
    members.set(op, new BuiltinRef(`workflow.${op}`, fn));
  }
  vm.globals.set("workflow", new Dict(members));
  vm.registerBuiltin("continue_as_new", continueAsNew("continue_as_new"));
}

/** Polls the mailbox until the update's response arrives (another task or process may write it). */
async function awaitResponse(
  host: SystemHost,
  t: Target,
  name: string,
  requestId: string,
  timeoutMs: number,
): Promise<Value> {
  const deadline = host.nowMs() + timeoutMs;
  for (;;) {
    const response = load(host, t).responses[requestId];
    if (response !== undefined) return jsonToValue(response.value);
    if (host.nowMs() > deadline) {
      throw runtimeError(`workflow update '${name}' timed out for '${t.workflowId}'`);
    }
    await new Promise((resolve) => setTimeout(resolve, UPDATE_POLL_MS));
  }
}
