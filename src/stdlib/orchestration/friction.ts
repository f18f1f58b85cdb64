// Friction events: a moment where work stalled (a repeated query, a
// missing piece of context, a manual handoff, ...) recorded with a redacted
// summary — secret-looking words and values under sensitive keys become
// "[redacted]" before anything is stored. Recurring friction becomes
// context-pack suggestions (context-packs.ts).

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { RecordEnv } from "./artifacts.ts";
import { Fields, optFloat } from "./record-fields.ts";

const KINDS = [
  "repeated_query",
  "repeated_clarification",
  "approval_stall",
  "missing_context",
  "manual_handoff",
  "tool_gap",
  "failed_assumption",
  "expensive_model_used_for_deterministic_step",
  "human_hypothesis",
];

const REDACTED = "[redacted]";

export function looksLikeSecret(value: string): boolean {
  const t = value.trim();
  return (
    ["sk-", "ghp_", "xoxb-", "AKIA"].some((p) => t.startsWith(p)) ||
    (t.length > 48 && /^[A-Za-z0-9_-]+$/.test(t))
  );
}

export function redactText(text: string): string {
  return text
    .split(/\s+/)
    .filter((w) => w !== "")
    .map((w) => {
      const lower = w.toLowerCase();
      const assignsSecret = ["token=", "password=", "api_key=", "apikey="].some((k) => lower.includes(k));
      return looksLikeSecret(w) || assignsSecret ? REDACTED : w;
    })
    .join(" ");
}

function sensitiveKey(key: string): boolean {
  const k = key.toLowerCase();
  return (
    ["secret", "token", "password", "api_key", "apikey"].some((s) => k.includes(s)) || k === "authorization"
  );
}

function redactValue(v: Value): Value {
  if (typeof v === "string") return redactText(v);
  if (Array.isArray(v)) return v.map(redactValue);
  if (v instanceof Dict) {
    const m = new Map<string, Value>();
    for (const [k, x] of v.map) m.set(k, sensitiveKey(k) ? REDACTED : redactValue(x));
    return new Dict(m);
  }
  return v;
}

/** The stored form of a friction event; raw prompts and content are dropped, not kept. */
export function normalizeFrictionEvent(v: Value | undefined, env: RecordEnv): Dict {
  const f = Fields.of(v, "friction_event");
  const summary = f.optStr("redacted_summary") ?? f.optStr("summary") ?? f.optStr("message") ?? "";
  const kind = f.str("kind").trim().toLowerCase();
  if (kind === "") throw runtimeError("friction_event: missing kind");
  if (!KINDS.includes(kind)) {
    throw runtimeError(`friction_event: unsupported kind '${kind}' (expected one of ${KINDS.join(", ")})`);
  }
  const redacted = redactText(summary);
  if (redacted.trim() === "") throw runtimeError("friction_event: missing redacted_summary");
  const version = f.optInt("schema_version");
  return Dict.of({
    schema_version: version === null || version === 0 ? 1 : version,
    id: f.str("id") || `friction_${env.uuid()}`,
    kind,
    source: f.optStr("source"),
    actor: f.optStr("actor"),
    tenant_id: f.optStr("tenant_id"),
    task_id: f.optStr("task_id"),
    run_id: f.optStr("run_id"),
    workflow_id: f.optStr("workflow_id"),
    tool: f.optStr("tool"),
    provider: f.optStr("provider"),
    redacted_summary: redacted,
    estimated_cost_usd: optFloat(f.optNum("estimated_cost_usd")),
    estimated_time_ms: f.optInt("estimated_time_ms"),
    recurrence_hints: f.strList("recurrence_hints"),
    trace_id: f.optStr("trace_id"),
    span_id: f.optStr("span_id"),
    links: f.list("links"),
    human_hypothesis: f.raw("human_hypothesis"),
    metadata: redactValue(f.dict("metadata")),
    timestamp: f.str("timestamp") || env.nowSecs(),
  });
}

/** Events from a list or `{events: [...]}`. */
export function frictionEventsOf(v: Value, env: RecordEnv): Dict[] {
  const list = v instanceof Dict ? v.get("events") : v;
  if (!Array.isArray(list)) throw runtimeError("friction events fixture must be an array or {events: [...]}");
  return list.map((e) => normalizeFrictionEvent(e, env));
}

export function words(text: string): string {
  return text
    .replace(/[^A-Za-z0-9\s]/g, " ")
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "")
    .join(" ");
}

export function slugify(text: string, env: RecordEnv): string {
  const slug = words(text).split(" ").filter(Boolean).slice(0, 8).join("_");
  return slug === "" ? `context_pack_${env.uuid()}` : slug;
}

export const s = (d: Dict, k: string): string | null => {
  const v = d.get(k);
  return typeof v === "string" ? v : null;
};
export const meta = (e: Dict, k: string): string | null => {
  const m = e.get("metadata");
  const v = m instanceof Dict ? m.get(k) : null;
  return typeof v === "string" && v.trim() !== "" ? v : null;
};
export const hints = (e: Dict): string[] => (e.get("recurrence_hints") as Value[]).map(display);
