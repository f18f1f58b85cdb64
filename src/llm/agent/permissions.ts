// Per-agent dynamic permissions (spec: "Agent permissions"):
// `permissions: {allow, deny, on_escalation}` on agent_loop, sub_agent_run
// or spawn_agent. Rules map tool-name globs to matchers — any call, a
// bool, argument globs, `{arg_key, patterns}`, or a Harn predicate over
// the arguments. A deny match (or, when `allow` is non-empty, no allow
// match) refuses the call unless `on_escalation` grants it, once or for
// the rest of the session. Every active scope on the task's
// dynamic-permission stack must agree; the outermost denial wins.

import { display, truthy, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { type JsonValue, jsonToValue } from "../json.ts";
import { toolGlobMatch } from "../tools/hooks.ts";

type Matcher =
  | { readonly kind: "any" }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "patterns"; readonly patterns: readonly string[] }
  | { readonly kind: "keyed"; readonly key: string; readonly patterns: readonly string[] }
  | { readonly kind: "predicate"; readonly fn: Value };

interface Rule {
  readonly tool: string;
  readonly matcher: Matcher;
}

export interface PermissionPolicy {
  readonly allow: readonly Rule[];
  readonly deny: readonly Rule[];
  readonly onEscalation: Value | null;
}

export type PermissionCheck =
  | { readonly granted: true; readonly reason: string; readonly escalated: boolean }
  | { readonly granted: false; readonly reason: string; readonly escalated: boolean };

function patternList(v: Value, label: string): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw runtimeError(`${label}: patterns must be a string or list of strings`);
}

function parseMatcher(v: Value, label: string): Matcher {
  if (v === null) return { kind: "any" };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "string") return { kind: "patterns", patterns: [v] };
  if (v instanceof Closure) return { kind: "predicate", fn: v };
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === "string"))
      throw runtimeError(`${label}: pattern list entries must be strings`);
    return { kind: "patterns", patterns: v as string[] };
  }
  if (v instanceof Dict) {
    const key = v.map.get("arg_key") ?? v.map.get("key");
    const patterns = v.map.get("patterns") ?? v.map.get("arg_patterns") ?? v.map.get("allow");
    const keyText = key === undefined || key === null ? "" : display(key).trim();
    if (keyText !== "" && patterns !== undefined && patterns !== null) {
      return { kind: "keyed", key: keyText, patterns: patternList(patterns, label) };
    }
    throw runtimeError(`${label}: dict matchers must include arg_key and patterns`);
  }
  throw runtimeError(`${label}: unsupported matcher type ${typeName(v)}`);
}

function parseRules(v: Value | undefined, label: string): Rule[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    return v
      .map((x) => {
        if (typeof x !== "string") throw runtimeError(`${label}: list entries must be strings`);
        return x.trim();
      })
      .filter((t) => t !== "")
      .map((tool) => ({ tool, matcher: { kind: "any" } }));
  }
  if (v instanceof Dict) {
    return v
      .keys()
      .filter((k) => k.trim() !== "")
      .map((tool) => ({ tool, matcher: parseMatcher(v.get(tool), `${label}.${tool}`) }));
  }
  throw runtimeError(`${label}: expected a list or dict, got ${typeName(v)}`);
}

/** Parses a `permissions` dict; `label` names the builtin in errors. */
export function parsePermissionPolicy(v: Value, label: string): PermissionPolicy {
  if (!(v instanceof Dict)) throw runtimeError(`${label}: permissions must be a dict`);
  const escalation = v.map.get("on_escalation");
  return {
    allow: parseRules(v.map.get("allow"), `${label}.allow`),
    deny: parseRules(v.map.get("deny"), `${label}.deny`),
    onEscalation: escalation instanceof Closure ? escalation : null,
  };
}

function stringsIn(j: JsonValue, out: string[]): void {
  if (typeof j === "string") out.push(j);
  else if (Array.isArray(j)) for (const x of j) stringsIn(x, out);
  else if (j !== null && typeof j === "object") for (const x of Object.values(j)) stringsIn(x, out);
}

/** Runs Harn callbacks (predicates, escalation) for the checker. */
export type PermissionCallbacks = (fn: Value, args: Value[]) => Promise<Value>;

async function matches(m: Matcher, args: JsonValue, call: PermissionCallbacks): Promise<boolean> {
  switch (m.kind) {
    case "any":
      return true;
    case "bool":
      return m.value;
    case "patterns": {
      const values: string[] = [];
      stringsIn(args, values);
      if (values.length === 0) values.push(JSON.stringify(args));
      return values.some((v) => m.patterns.some((p) => toolGlobMatch(p, v)));
    }
    case "keyed": {
      const v = args !== null && typeof args === "object" && !Array.isArray(args) ? args[m.key] : undefined;
      return typeof v === "string" && m.patterns.some((p) => toolGlobMatch(p, v));
    }
    case "predicate":
      return truthy(await call(m.fn, [jsonToValue(args)]));
  }
}

async function firstMatch(rules: readonly Rule[], tool: string, args: JsonValue, call: PermissionCallbacks) {
  for (const r of rules)
    if (toolGlobMatch(r.tool, tool) && (await matches(r.matcher, args, call))) return r.tool;
  return undefined;
}

type GrantScope = "once" | "session";

function grantScope(text: string): GrantScope {
  if (text === "once" || text === "session") return text;
  if (text === "deny" || text === "denied" || text === "false") {
    throw runtimeError("permissions on_escalation string denial must return false");
  }
  throw runtimeError(`permissions on_escalation unsupported grant scope '${text}'`);
}

interface Escalation {
  readonly granted: boolean;
  readonly scope: GrantScope;
  readonly reason: string | null;
}

function parseEscalation(v: Value): Escalation {
  if (v === true) return { granted: true, scope: "once", reason: null };
  if (v === false || v === null) return { granted: false, scope: "once", reason: null };
  if (typeof v === "string") return { granted: true, scope: grantScope(v), reason: null };
  if (v instanceof Dict) {
    const grant = v.map.get("grant") ?? v.map.get("granted");
    const reasonValue = v.map.get("reason");
    const reason =
      reasonValue === undefined || reasonValue === null || display(reasonValue) === ""
        ? null
        : display(reasonValue);
    if (grant === undefined || grant === null || grant === false)
      return { granted: false, scope: "once", reason };
    if (grant === true) return { granted: true, scope: "once", reason };
    if (typeof grant === "string") return { granted: true, scope: grantScope(grant), reason };
    throw runtimeError(
      `permissions on_escalation grant must be false, true, 'once', or 'session', got ${typeName(grant)}`,
    );
  }
  throw runtimeError(
    `permissions on_escalation must return false, true, 'once', 'session', or {grant}, got ${typeName(v)}`,
  );
}

/** Session grants are keyed by scope, tool and the exact arguments. */
const grantKey = (scope: number, tool: string, args: JsonValue): string =>
  `${scope}:${tool}:${JSON.stringify(args)}`;

/**
 * Checks a call against every active scope (outermost first). Returns null
 * when no scope is active; the first denial ends the check.
 */
export async function checkPermissions(
  policies: readonly PermissionPolicy[],
  grants: Set<string>,
  tool: string,
  args: JsonValue,
  sessionId: string,
  call: PermissionCallbacks,
): Promise<PermissionCheck | null> {
  let result: PermissionCheck | null = null;
  for (let i = 0; i < policies.length; i++) {
    const check = await checkOne(policies[i]!, i, grants, tool, args, sessionId, call);
    if (!check.granted) return check;
    result = check;
  }
  return result;
}

async function checkOne(
  policy: PermissionPolicy,
  scope: number,
  grants: Set<string>,
  tool: string,
  args: JsonValue,
  sessionId: string,
  call: PermissionCallbacks,
): Promise<PermissionCheck> {
  const key = grantKey(scope, tool, args);
  if (grants.has(key)) return { granted: true, reason: "session grant", escalated: false };
  const denied = await firstMatch(policy.deny, tool, args, call);
  const allowed =
    policy.allow.length === 0 ? true : (await firstMatch(policy.allow, tool, args, call)) !== undefined;
  const denial =
    denied !== undefined
      ? `permission denied by deny rule: ${denied}`
      : allowed
        ? null
        : `permission denied: tool '${tool}' is not allowed by this agent's permissions`;
  if (denial === null) return { granted: true, reason: "permission allow rule matched", escalated: false };
  if (policy.onEscalation === null) return { granted: false, reason: denial, escalated: false };
  const request = Dict.of({
    _type: "PermissionRequest",
    tool,
    args: jsonToValue(args),
    session_id: sessionId,
    reason: denial,
    grant_options: ["once", "session", false],
  });
  const answer = parseEscalation(await call(policy.onEscalation, [request]));
  if (!answer.granted) {
    return { granted: false, reason: answer.reason ?? "permission escalation denied", escalated: true };
  }
  if (answer.scope === "session") grants.add(key);
  return { granted: true, reason: answer.reason ?? "permission escalation granted", escalated: true };
}
