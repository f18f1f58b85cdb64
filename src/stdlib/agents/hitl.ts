// Human-in-the-loop requests (spec: "HITL"): `ask_user(prompt, options)`,
// `request_approval(action, options)`, `dual_control(n, m, action,
// approvers)` and `hitl_pending(filters)`. A request is registered as
// pending, answered by the host — in this runtime through `host_call`
// mocks of `hitl.<kind>` (`mock_host_response("hitl", "question", ...)`),
// a dict or a list of reviewer responses — and otherwise waits until its
// timeout (the default answer, or a HumanTimeoutError). Approvals count
// distinct allowed reviewers up to the quorum and sign each approval with
// a sha256 receipt; one denial ends the request with ApprovalDeniedError.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { v7 as uuidV7 } from "uuid";
import { callHarn } from "../../llm/agent/callbacks.ts";
import { eventLogOf } from "../../runtime/events/active-log.ts";
import { contextOf } from "../../runtime/task-context.ts";
import { journaled } from "../../runtime/triggers/replay-journal.ts";
import { display } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import {
  type BuiltinContext,
  CallRequest,
  Closure,
  Dict,
  Duration,
  HFloat,
  type Value,
} from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

type Kind = "question" | "approval" | "dual_control";

interface Pending {
  readonly id: string;
  readonly kind: Kind;
  readonly prompt: string;
  readonly traceId: string;
  readonly requestedAt: string;
  readonly approvers: readonly string[];
  readonly payload: Dict;
}

class HitlStore {
  readonly pending = new Map<string, Pending>();
}

const stores = new WeakMap<Vm, HitlStore>();

function storeOf(vm: Vm): HitlStore {
  let s = stores.get(vm);
  if (!s) {
    s = new HitlStore();
    stores.set(vm, s);
  }
  return s;
}

function durationMs(v: Value | undefined, fallback: number, builtin: string): number {
  if (v === undefined || v === null) return fallback;
  if (v instanceof Duration) return v.ms;
  if (typeof v === "number" && v >= 0) return v;
  if (v instanceof HFloat && v.v >= 0) return v.v;
  throw runtimeError(`${builtin}: expected a duration or millisecond count`);
}

function register(vm: Vm, kind: Kind, prompt: string, approvers: readonly string[], payload: Dict): Pending {
  const p: Pending = {
    id: `hitl_${kind}_${uuidV7()}`,
    kind,
    prompt,
    traceId: `trace_${uuidV7()}`,
    requestedAt: new Date().toISOString(),
    approvers,
    payload,
  };
  storeOf(vm).pending.set(p.id, p);
  return p;
}

/** The mocked host responses for a request (a dict or list of dicts), or null when `hitl.<kind>` is not mocked. */
function mockedResponses(vm: Vm, ctx: BuiltinContext, p: Pending): Dict[] | null {
  const has = vm.builtins.get("host_has");
  const call = vm.builtins.get("host_call");
  if (has === undefined || call === undefined) return null;
  if (has.fn(["hitl", p.kind], ctx) !== true) return null;
  const params = p.payload.with("request_id", p.id);
  const r = call.fn([`hitl.${p.kind}`, params], ctx);
  if (!(r instanceof Dict) && !Array.isArray(r)) {
    throw runtimeError(`mocked HITL ${p.kind} response must be a dict or list<dict>`);
  }
  const list = Array.isArray(r) ? r : [r];
  return list.map((x) => {
    if (!(x instanceof Dict))
      throw runtimeError(`mocked HITL ${p.kind} response must be a dict or list<dict>`);
    return x;
  });
}

/**
 * Waits until `ms` passes (or the task is cancelled); the pending entry is
 * dropped either way. The timer is a real wait of the program, so it keeps
 * the process alive.
 */
function waitForTimeout(vm: Vm, p: Pending, ms: number, onTimeout: () => Value): Promise<Value> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<Value>((resolve, reject) => {
    timer = setTimeout(() => {
      storeOf(vm).pending.delete(p.id);
      try {
        resolve(onTimeout());
      } catch (e) {
        reject(e);
      }
    }, ms);
  });
  return cancellable(done, () => {
    clearTimeout(timer);
    storeOf(vm).pending.delete(p.id);
  });
}

function timeoutError(p: Pending) {
  return thrown(
    Dict.of({
      name: "HumanTimeoutError",
      category: "timeout",
      message: `${p.kind} timed out`,
      request_id: p.id,
      kind: p.kind,
    }),
  );
}

/** Makes `answer` the type of `fallback` where the conversion is obvious (`"9"` → 9 for an int default). */
function coerceLike(answer: Value, fallback: Value): Value {
  if (typeof fallback === "number") {
    if (typeof answer === "number") return answer;
    if (answer instanceof HFloat) return Math.trunc(answer.v);
    if (typeof answer === "string" && /^-?\d+$/.test(answer.trim()))
      return Number.parseInt(answer.trim(), 10);
    return fallback;
  }
  if (fallback instanceof HFloat) {
    if (answer instanceof HFloat) return answer;
    if (typeof answer === "number") return new HFloat(answer);
    const n = typeof answer === "string" ? Number.parseFloat(answer) : Number.NaN;
    return Number.isNaN(n) ? fallback : new HFloat(n);
  }
  if (typeof fallback === "boolean") {
    if (typeof answer === "boolean") return answer;
    if (typeof answer === "string" && /^(true|false)$/i.test(answer)) return answer.toLowerCase() === "true";
    return fallback;
  }
  if (typeof fallback === "string") return display(answer);
  if (fallback instanceof Duration) {
    if (answer instanceof Duration) return answer;
    return typeof answer === "number" ? new Duration(answer) : fallback;
  }
  if (fallback === null) return answer;
  return answer;
}

function askUser(vm: Vm, args: Value[], ctx: BuiltinContext): Value | Promise<Value> {
  const prompt = args[0] === undefined ? "" : display(args[0]);
  if (prompt === "") throw runtimeError("ask_user: expected string argument at 0");
  const o = args[1];
  if (o !== undefined && o !== null && !(o instanceof Dict))
    throw runtimeError("ask_user: options must be a dict");
  const options = o instanceof Dict ? o : new Dict();
  const schema = options.map.get("schema") ?? null;
  const fallback = options.map.get("default");
  const timeout = durationMs(options.map.get("timeout"), DAY_MS, "ask_user");
  const p = register(
    vm,
    "question",
    prompt,
    [],
    Dict.of({
      prompt,
      schema,
      default: fallback ?? null,
      timeout_ms: timeout,
    }),
  );
  const responses = mockedResponses(vm, ctx, p);
  if (responses !== null && responses.length > 0) {
    storeOf(vm).pending.delete(p.id);
    const answer = responses[0]!.get("answer");
    if (schema !== null) {
      const expect = vm.builtins.get("schema_expect");
      if (expect === undefined) return answer;
      return expect.fn([answer, schema, true], ctx) as Value;
    }
    return fallback === undefined || fallback === null ? answer : coerceLike(answer, fallback);
  }
  return waitForTimeout(vm, p, timeout, () => {
    if (fallback !== undefined && fallback !== null) return fallback;
    throw timeoutError(p);
  });
}

function signature(requestId: string, reviewer: string, signedAt: string, reason: string | null): string {
  const material = `harn-hitl-approval-v1\nrequest_id:${requestId}\nreviewer:${reviewer}\nsigned_at:${signedAt}\napproved:true\nreason:${reason ?? ""}\n`;
  return `sha256:${bytesToHex(sha256(new TextEncoder().encode(material)))}`;
}

const text = (d: Dict, key: string): string | null => {
  const v = d.map.get(key);
  return v === undefined || v === null ? null : display(v);
};

/** Folds reviewer responses into an approval record, a denial, or "still pending". */
function resolveApproval(p: Pending, quorum: number, responses: readonly Dict[]): Dict | "pending" {
  const reviewers = new Set<string>();
  const signatures: Dict[] = [];
  let reason: string | null = null;
  let approvedAt: string | null = null;
  for (const r of responses) {
    const reviewer = text(r, "reviewer");
    if (
      reviewer !== null &&
      ((p.approvers.length > 0 && !p.approvers.includes(reviewer)) || reviewers.has(reviewer))
    ) {
      continue;
    }
    if (r.get("approved") !== true) {
      throw thrown(
        Dict.of({
          name: "ApprovalDeniedError",
          category: "generic",
          message: text(r, "reason") ?? "approval was denied",
          request_id: p.id,
          reviewers: reviewer === null ? [] : [reviewer],
          reason: text(r, "reason"),
        }),
      );
    }
    const signedAt = text(r, "responded_at") ?? new Date().toISOString();
    if (reviewer !== null) {
      reviewers.add(reviewer);
      signatures.push(
        Dict.of({
          reviewer,
          signed_at: signedAt,
          signature: text(r, "signature") ?? signature(p.id, reviewer, signedAt, text(r, "reason")),
        }),
      );
    }
    reason = text(r, "reason");
    approvedAt = text(r, "responded_at");
    if (reviewers.size >= quorum) {
      return Dict.of({
        approved: true,
        reviewers: [...reviewers].sort(),
        approved_at: approvedAt ?? new Date().toISOString(),
        reason,
        signatures,
      });
    }
  }
  return "pending";
}

function stringList(v: Value | undefined, builtin: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw runtimeError(`${builtin}: expected list<string>`);
  return v.map((x) => display(x));
}

/** Resolves an approval-style request now when mocked, else waits for its deadline. */
function approvalOutcome(
  vm: Vm,
  ctx: BuiltinContext,
  p: Pending,
  quorum: number,
  deadline: number,
): Dict | Promise<Value> {
  const responses = mockedResponses(vm, ctx, p);
  if (responses !== null) {
    const outcome = resolveApproval(p, quorum, responses);
    if (outcome !== "pending") {
      storeOf(vm).pending.delete(p.id);
      return outcome;
    }
  }
  return waitForTimeout(vm, p, deadline, () => {
    throw timeoutError(p);
  });
}

function requestApproval(vm: Vm, args: Value[], ctx: BuiltinContext): Value | Promise<Value> {
  const action = args[0] === undefined ? "" : display(args[0]);
  if (action === "") throw runtimeError("request_approval: expected string argument at 0");
  const o = args[1];
  if (o !== undefined && o !== null && !(o instanceof Dict)) {
    throw runtimeError("request_approval: options must be a dict");
  }
  const options = o instanceof Dict ? o : new Dict();
  const quorumValue = options.map.get("quorum");
  const quorum = typeof quorumValue === "number" ? quorumValue : 1;
  if (quorum <= 0) throw runtimeError("request_approval: quorum must be positive");
  const reviewers = stringList(options.map.get("reviewers"), "request_approval");
  const deadline = durationMs(options.map.get("deadline"), DAY_MS, "request_approval");
  const p = register(
    vm,
    "approval",
    action,
    reviewers,
    Dict.of({
      action,
      detail: options.map.get("detail") ?? null,
      args: options.map.get("args") ?? null,
      quorum,
      reviewers,
      approvers_required: quorum,
      deadline_ms: deadline,
    }),
  );
  return approvalOutcome(vm, ctx, p, quorum, deadline);
}

function positiveInt(v: Value | undefined, i: number): number {
  if (typeof v !== "number") throw runtimeError(`dual_control: expected int argument at ${i}`);
  if (v <= 0) throw runtimeError(`dual_control: expected a positive int at ${i}`);
  return v;
}

function dualControl(vm: Vm, args: Value[], ctx: BuiltinContext): Value | Promise<Value> | CallRequest {
  const n = positiveInt(args[0], 0);
  const m = positiveInt(args[1], 1);
  if (n > m) throw runtimeError("dual_control: n must be less than or equal to m");
  const action = args[2];
  if (!(action instanceof Closure)) throw runtimeError("dual_control: action must be a closure");
  const approvers = stringList(args[3], "dual_control");
  if (approvers.length > 0 && approvers.length < m) {
    throw runtimeError(`dual_control: expected at least ${m} approvers, got ${approvers.length}`);
  }
  const name = action.proto.name === "" ? "anonymous" : action.proto.name;
  const p = register(
    vm,
    "dual_control",
    name,
    approvers,
    Dict.of({ n, m, action: name, approvers, approvers_required: n, deadline_ms: DAY_MS }),
  );
  const outcome = approvalOutcome(vm, ctx, p, n, DAY_MS);
  if (outcome instanceof Dict) return new CallRequest(action, []);
  const host = { vm, owner: ctx.task, ctx: contextOf(ctx.task) };
  return outcome.then(() => callHarn(host, action, []));
}

function pendingRows(vm: Vm, filters: Value | undefined): Value[] {
  const f = filters instanceof Dict ? filters : new Dict();
  const kinds = f.map.get("kinds");
  const kindSet = Array.isArray(kinds) ? new Set(kinds.map((k) => display(k))) : null;
  const limitValue = f.map.get("limit");
  const limit = typeof limitValue === "number" ? Math.min(Math.max(limitValue, 0), 5000) : 500;
  const rows = [...storeOf(vm).pending.values()]
    .filter((p) => kindSet === null || kindSet.has(p.kind))
    .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0))
    .slice(0, limit);
  return rows.map((p) =>
    Dict.of({
      request_id: p.id,
      request_kind: p.kind,
      agent: "",
      prompt: p.prompt,
      trace_id: p.traceId,
      timestamp: p.requestedAt,
      approvers: [...p.approvers],
      metadata: p.payload,
    }),
  );
}

export function registerHitl(vm: Vm): void {
  // Inside a trigger dispatch the answers are journaled, so a replay gets them back without a human.
  vm.registerBuiltin("ask_user", (args, ctx) =>
    journaled(eventLogOf(vm), ctx.task, "hitl.ask_user", Date.now(), () => askUser(vm, args, ctx)),
  );
  vm.registerBuiltin("request_approval", (args, ctx) =>
    journaled(eventLogOf(vm), ctx.task, "hitl.request_approval", Date.now(), () =>
      requestApproval(vm, args, ctx),
    ),
  );
  vm.registerBuiltin("dual_control", (args, ctx) => dualControl(vm, args, ctx));
  vm.registerBuiltin("hitl_pending", (args) => pendingRows(vm, args[0]));
}
