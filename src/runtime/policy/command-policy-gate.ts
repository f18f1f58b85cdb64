// The command-policy gate around `host_call("process.exec", ...)`: the
// preflight decides, before anything spawns, whether the request proceeds
// (possibly rewritten by the policy's `pre` hook) or is answered with a
// "blocked" / "dry_run" / "explain_only" envelope; the postflight lets the
// `post` hook replace or annotate the result and attaches the audit record
// (`command_policy: {context, decisions, annotation?}`).
//
// Order of the preflight, each step able to stop the request: recursion
// guard (a hook that itself runs a command), deny patterns, risk classes
// listed in `require_approval`, the pre hook; after a rewrite, deny
// patterns and approval classes are checked again on the new request.
//
// Hooks are Harn closures; running them is the caller's business
// (`HookRunner`), since this layer cannot schedule Harn code itself. They
// run with the command-hook depth raised, which is what the recursion
// guard reads.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { v4 as uuidV4 } from "uuid";
import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { canonicalJson, toJsonData } from "../events/json-data.ts";
import { type Closure, Dict, HFloat, type Value } from "../../vm/values.ts";
import { type TaskContext, top } from "../task-context.ts";
import type { CapabilityPolicy } from "./capability-policy.ts";
import type { CommandPolicy } from "./command-policy.ts";
import { commandResultScan, commandRiskScan, firstDenyPattern, scanLabels } from "./command-policy-scan.ts";

/** Runs a policy hook with one argument under the given context; resolves to its return value. */
export type HookRunner = (hook: Closure, arg: Value, ctx: TaskContext) => Promise<Value>;

/** What the gate needs from its caller. */
export interface GateSite {
  readonly ctx: TaskContext;
  /** The directory commands run in when the request names no cwd. */
  readonly executionRoot: string;
  readonly runHook: HookRunner;
  /** Queues `feedback` a post hook returns for an agent session. */
  readonly queueFeedback: (sessionId: string, kind: string, content: string) => void;
}

interface Decision {
  readonly action: string;
  readonly reason: string | null;
  readonly source: string;
  readonly riskLabels: readonly string[];
  readonly confidence: number;
  readonly display?: Value;
}

export type Preflight =
  | {
      readonly kind: "proceed";
      readonly params: Dict;
      readonly context: Dict;
      readonly decisions: Decision[];
    }
  | {
      readonly kind: "blocked";
      readonly status: "blocked" | "dry_run" | "explain_only";
      readonly message: string;
      readonly context: Dict;
      readonly decisions: Decision[];
    };

const decision = (
  action: string,
  reason: string | null,
  source: string,
  riskLabels: readonly string[],
  confidence: number,
): Decision => ({ action, reason, source, riskLabels, confidence });

function decisionValue(d: Decision): Dict {
  return Dict.of({
    action: d.action,
    reason: d.reason,
    source: d.source,
    risk_labels: [...d.riskLabels],
    confidence: new HFloat(d.confidence),
    display: d.display ?? null,
  });
}

const shaTag = (text: string): string => `sha256:${bytesToHex(sha256(new TextEncoder().encode(text)))}`;

const str = (d: Dict, key: string): string | null => {
  const v = d.get(key);
  return typeof v === "string" ? v : null;
};

/** The request as hooks see it: env values and stdin only as hashes. */
function requestValue(params: Dict, root: string): Dict {
  const argv = params.get("argv");
  const envDiff = new Map<string, Value>();
  const env = params.get("env");
  if (env instanceof Dict) {
    for (const [key, v] of env.map) {
      envDiff.set(key, Dict.of({ present: true, redacted: true, value_sha256: shaTag(display(v)) }));
    }
  }
  const stdin = str(params, "stdin") ?? "";
  const timeout = params.get("timeout_ms") ?? params.get("timeout");
  return Dict.of({
    mode: str(params, "mode") ?? (argv !== null ? "argv" : "shell"),
    argv: Array.isArray(argv) ? argv.map((a) => display(a)) : null,
    command: str(params, "command"),
    shell: params.get("shell"),
    cwd: str(params, "cwd") ?? root,
    env_diff: new Dict(envDiff),
    env_mode: str(params, "env_mode"),
    stdin: Dict.of({
      size: new TextEncoder().encode(stdin).length,
      sha256: stdin === "" ? null : shaTag(stdin),
    }),
    timeout_ms:
      typeof timeout === "number" || typeof timeout === "bigint"
        ? timeout
        : timeout instanceof HFloat && Number.isInteger(timeout.v)
          ? timeout.v
          : null,
  });
}

function contextValue(params: Dict, policy: CommandPolicy, site: GateSite, caller: Value): Dict {
  const request = requestValue(params, site.executionRoot);
  const ceiling = top(site.ctx.slots.executionPolicies) as CapabilityPolicy | undefined;
  const ceilingValue = ceiling === undefined ? null : ceiling.toValue();
  return Dict.of({
    request,
    active_cwd: request.get("cwd"),
    workspace_roots: policy.workspaceRoots.length > 0 ? [...policy.workspaceRoots] : [site.executionRoot],
    policy: Dict.of({
      default_shell_mode: policy.defaultShellMode,
      deny_patterns: [...policy.denyPatterns],
      require_approval: [...policy.requireApproval].sort(),
      ceiling: ceilingValue,
    }),
    tool_annotations: ceilingValue?.get("tool_annotations") ?? new Dict(),
    transcript: Dict.of({ summary: null, recent_messages: [], redacted: true }),
    caller,
  });
}

/** Fields of a request a pre hook may rewrite; anything else is refused. */
const REWRITABLE = new Set([
  "mode",
  "argv",
  "command",
  "shell",
  "cwd",
  "env",
  "env_mode",
  "stdin",
  "timeout",
  "timeout_ms",
  "capture",
  "capture_stderr",
  "max_inline_bytes",
]);

function applyRewrite(params: Dict, rewrite: Dict): Dict {
  const out = new Map(params.map);
  for (const [key, v] of rewrite.map) {
    if (!REWRITABLE.has(key)) {
      throw runtimeError(`command policy rewrite cannot modify field ${JSON.stringify(key)}`);
    }
    out.set(key, v);
  }
  return new Dict(out);
}

function truthy(v: Value): boolean {
  if (v === null || v === false) return false;
  if (typeof v === "string") return v !== "";
  if (typeof v === "number") return v !== 0;
  return true;
}

type PreAction =
  | { readonly kind: "allow" }
  | { readonly kind: "deny" | "dry_run" | "explain_only"; readonly message: string }
  | { readonly kind: "require_approval"; readonly message: string; readonly display: Value }
  | { readonly kind: "rewrite"; readonly rewrite: Dict };

function parsePreAction(v: Value): PreAction {
  if (v === null || v === "allow") return { kind: "allow" };
  if (!(v instanceof Dict)) {
    throw runtimeError(
      `command policy pre-hook must return nil, 'allow', or a decision dict, got ${typeName(v)}`,
    );
  }
  const action = v.map.has("action") ? display(v.get("action")) : null;
  const reason = (...keys: string[]): string | null => {
    for (const k of keys) if (v.get(k) !== null) return display(v.get(k));
    return null;
  };
  if (truthy(v.get("allow")) || action === "allow") return { kind: "allow" };
  if (v.get("deny") !== null) return { kind: "deny", message: display(v.get("deny")) };
  if (action === "deny" && v.get("message") !== null)
    return { kind: "deny", message: display(v.get("message")) };
  if (action === "require_approval" || v.map.has("require_approval")) {
    return {
      kind: "require_approval",
      message: reason("reason", "message", "require_approval") ?? "command requires approval",
      display: v.get("display"),
    };
  }
  if (action === "dry_run" || truthy(v.get("dry_run"))) {
    return { kind: "dry_run", message: reason("reason", "message") ?? "command dry-run requested by policy" };
  }
  if (action === "explain_only" || truthy(v.get("explain_only"))) {
    return {
      kind: "explain_only",
      message: reason("reason", "message") ?? "command explanation requested by policy",
    };
  }
  const rewrite = v.get("rewrite") ?? v.get("request");
  if (rewrite !== null) {
    if (!(rewrite instanceof Dict)) throw runtimeError("command policy pre-hook rewrite must be a dict");
    return { kind: "rewrite", rewrite };
  }
  return { kind: "allow" };
}

/** Runs a hook one level deeper, so a command it starts meets the recursion guard. */
function runHook(site: GateSite, hook: Closure, arg: Value): Promise<Value> {
  const depth = site.ctx.slots.commandHookDepth;
  return site.runHook(hook, arg, site.ctx.with({ commandHookDepth: depth + 1 }));
}

/** Deny patterns, then approval classes; null when neither stops the request. */
function staticChecks(
  policy: CommandPolicy,
  context: Dict,
  decisions: Decision[],
  base: string,
  rewritten: boolean,
): Preflight | null {
  const prefix = rewritten ? "rewritten command" : "command";
  const scan = commandRiskScan(context, policy, base);
  const labels = scanLabels(scan);
  const denied = firstDenyPattern(policy, context);
  if (denied !== null) {
    const message = `${prefix} denied by policy pattern ${JSON.stringify(denied)}`;
    decisions.push(decision("deny", message, "deny_patterns", rewritten ? labels : [], 1));
    return { kind: "blocked", status: "blocked", message, context, decisions };
  }
  const label = labels.find((l) => policy.requireApproval.has(l));
  if (label !== undefined) {
    const message = `${prefix} requires approval for risk class ${label}`;
    decisions.push(decision("require_approval", message, "deterministic", labels, 0.9));
    return { kind: "blocked", status: "blocked", message, context, decisions };
  }
  return null;
}

/** Decides whether `params` may run under `policy` (see the header for the order). */
export async function commandPreflight(
  params: Dict,
  policy: CommandPolicy,
  site: GateSite,
  caller: Value,
): Promise<Preflight> {
  let context = contextValue(params, policy, site, caller);
  if (site.ctx.slots.commandHookDepth > 0 && !policy.allowRecursive) {
    const message = "command policy hooks cannot recursively call process.exec";
    const decisions = [decision("deny", message, "recursion_guard", [], 1)];
    return { kind: "blocked", status: "blocked", message, context, decisions };
  }
  const decisions: Decision[] = [];
  const base = site.executionRoot;
  const scan = commandRiskScan(context, policy, base);
  const labels = scanLabels(scan);
  if (labels.length > 0) {
    const conf = scan.get("confidence");
    decisions.push(
      decision(
        "classify",
        display(scan.get("rationale")),
        "deterministic",
        labels,
        conf instanceof HFloat ? conf.v : 0.7,
      ),
    );
  }
  const stopped = staticChecks(policy, context, decisions, base, false);
  if (stopped !== null) return stopped;
  if (policy.pre === null) return { kind: "proceed", params, context, decisions };
  const action = parsePreAction(await runHook(site, policy.pre, context));
  switch (action.kind) {
    case "allow":
      return { kind: "proceed", params, context, decisions };
    case "deny":
    case "dry_run":
    case "explain_only": {
      decisions.push(decision(action.kind, action.message, "pre_hook", labels, 1));
      const status = action.kind === "deny" ? "blocked" : action.kind;
      return { kind: "blocked", status, message: action.message, context, decisions };
    }
    case "require_approval": {
      const d = decision("require_approval", action.message, "pre_hook", labels, 1);
      decisions.push({ ...d, display: action.display });
      return { kind: "blocked", status: "blocked", message: action.message, context, decisions };
    }
    case "rewrite": {
      const rewritten = applyRewrite(params, action.rewrite);
      decisions.push(decision("rewrite", "command request rewritten by pre-hook", "pre_hook", labels, 1));
      context = contextValue(rewritten, policy, site, context.get("caller"));
      const again = staticChecks(policy, context, decisions, base, true);
      return again ?? { kind: "proceed", params: rewritten, context, decisions };
    }
  }
}

function withAudit(result: Value, context: Dict, decisions: readonly Decision[], annotation: Value): Value {
  if (!(result instanceof Dict)) return result;
  const audit = new Map<string, Value>([
    ["context", context],
    ["decisions", decisions.map(decisionValue)],
  ]);
  if (annotation !== null) audit.set("annotation", annotation);
  return result.with("command_policy", new Dict(audit));
}

/** Applies a post hook's answer: replacement result, session feedback, annotation. */
function applyPostAction(v: Value, result: Value, site: GateSite): { result: Value; annotation: Value } {
  if (v === null) return { result, annotation: null };
  if (!(v instanceof Dict)) {
    throw runtimeError(`command policy post-hook must return nil or a dict, got ${typeName(v)}`);
  }
  const replaced = v.map.has("result") ? v.get("result") : result;
  const feedback = v.get("feedback");
  if (feedback instanceof Dict) {
    const session = feedback.get("session_id");
    const sessionId = session !== null ? display(session) : (top(site.ctx.slots.agentSessions) ?? null);
    if (sessionId !== null) {
      const kind = feedback.get("kind");
      const content = feedback.get("content");
      site.queueFeedback(
        sessionId,
        kind === null ? "command_policy" : display(kind),
        content === null ? canonicalJson(toJsonData(feedback)) : display(content),
      );
    }
  }
  const annotated = ["unsafe", "annotations", "audit"].some((k) => v.map.has(k));
  return { result: replaced, annotation: annotated ? v : null };
}

/** After the command ran: the post hook (with the result and an output scan), then the audit record. */
export async function commandPostflight(
  result: Value,
  policy: CommandPolicy,
  site: GateSite,
  pre: { readonly context: Dict; readonly decisions: Decision[] },
): Promise<Value> {
  if (policy.post === null) return withAudit(result, pre.context, pre.decisions, null);
  const withResult = pre.context.with("result", result);
  const context = withResult.with("post_scan", commandResultScan(withResult));
  const answer = applyPostAction(await runHook(site, policy.post, context), result, site);
  const decisions = [...pre.decisions];
  if (answer.annotation !== null) {
    decisions.push(decision("annotate", "command result annotated by post-hook", "post_hook", [], 1));
  }
  return withAudit(answer.result, context, decisions, answer.annotation);
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace("Z", "+00:00");

/** The response for a request the preflight stopped: shaped like a process.exec result that never ran. */
export function blockedResponse(
  params: Dict,
  blocked: Extract<Preflight, { kind: "blocked" }>,
  nowMs: number,
): Value {
  const commandId = `cmd_blocked_policy_${uuidV4()}`;
  const now = rfc3339(nowMs);
  const request = new Map<string, Value>();
  for (const [k, v] of params.map) request.set(k, k === "env" || k === "stdin" ? "<redacted>" : v);
  const response = Dict.of({
    command_id: commandId,
    status: blocked.status,
    pid: null,
    process_group_id: null,
    handle_id: null,
    started_at: now,
    ended_at: now,
    duration_ms: 0,
    exit_code: -1,
    signal: null,
    timed_out: false,
    stdout: "",
    stderr: blocked.message,
    combined: blocked.message,
    exit_status: -1,
    legacy_status: -1,
    success: false,
    error: "permission_denied",
    reason: blocked.message,
    audit_id: `audit_${commandId}`,
    request: new Dict(request),
  });
  return withAudit(response, blocked.context, blocked.decisions, null);
}
