// Plans as structured artifacts (spec: "std/plan"; schema `harn.plan.v1`).
// Added with the workflow runtime: the `emit_plan` / `update_plan` tools are
// served by the runtime itself (a tool entry needs no handler), the agent
// loop records each plan they produce as a `plan` transcript event, and the
// `plan_artifact` / `plan_entries` builtins expose the same normalization.
// Models write plans loosely — steps as strings or dicts under `steps`,
// `plan` or `tasks`, statuses like "done" or "todo" — so normalization
// accepts those spellings and yields one shape with a content-derived id.

import { sha256 } from "@noble/hashes/sha2.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";

export const PLAN_SCHEMA_VERSION = "harn.plan.v1";
export const PLAN_TOOLS: ReadonlySet<string> = new Set(["emit_plan", "update_plan"]);

const get = (v: JsonValue | undefined, key: string): JsonValue | undefined =>
  isJsonObject(v) ? v[key] : undefined;

function scalarText(v: JsonValue | undefined): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
}

function textField(v: JsonValue | undefined, keys: readonly string[]): string | null {
  for (const k of keys) {
    const t = scalarText(get(v, k));
    if (t !== null) return t;
  }
  return null;
}

function textList(v: JsonValue | undefined): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items.map((x) => scalarText(x)?.trim() ?? "").filter((x) => x !== "");
}

function listField(v: JsonValue | undefined, keys: readonly string[]): string[] {
  for (const k of keys) if (get(v, k) !== undefined) return textList(get(v, k));
  return [];
}

const STATUS: Readonly<Record<string, string>> = {
  pending: "pending",
  todo: "pending",
  not_started: "pending",
  in_progress: "in_progress",
  active: "in_progress",
  running: "in_progress",
  started: "in_progress",
  completed: "completed",
  complete: "completed",
  done: "completed",
  blocked: "blocked",
  waiting: "blocked",
  cancelled: "cancelled",
  canceled: "cancelled",
  dropped: "cancelled",
  skipped: "cancelled",
};

function step(index: number, item: JsonValue): JsonObject | null {
  if (typeof item === "string") {
    const content = item.trim();
    return content === "" ? null : { id: `step-${index + 1}`, content, status: "pending", priority: null };
  }
  if (!isJsonObject(item)) return null;
  const content = textField(item, ["content", "step", "task", "goal", "description"])?.trim() ?? "";
  if (content === "") return null;
  const status = typeof item.status === "string" ? (STATUS[item.status] ?? "pending") : "pending";
  return {
    id: textField(item, ["id"]) ?? `step-${index + 1}`,
    content,
    status,
    priority: item.priority ?? null,
  };
}

function approvalState(v: JsonValue): string {
  const state = textField(v, ["state", "status"]);
  if (state !== null) {
    if (state === "approved") return "approved";
    if (state === "rejected" || state === "denied") return "rejected";
    if (state === "requested" || state === "pending") return "requested";
    return "unrequested";
  }
  const approved = get(v, "approved");
  return approved === true ? "approved" : approved === false ? "rejected" : "unrequested";
}

function approval(v: JsonValue | undefined): JsonObject {
  if (v === undefined) return { state: "unrequested" };
  const out: JsonObject = { state: approvalState(v) };
  if (isJsonObject(v)) {
    for (const k of ["request_id", "reviewer", "reviewers", "approved_at", "reason"]) {
      if (v[k] !== undefined) out[k] = v[k]!;
    }
  }
  return out;
}

/** JSON text with object keys sorted, so equal plans hash alike. */
function canonicalJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isJsonObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The `harn.plan.v1` artifact for a plan tool call (`tool` names the tool that produced it). */
export function normalizePlan(tool: string, args: JsonValue): JsonObject {
  const source = get(args, "plan") ?? args;
  const steps = get(source, "steps") ?? get(source, "plan") ?? get(source, "tasks") ?? source;
  const plan: JsonObject = {
    _type: "plan_artifact",
    schema_version: PLAN_SCHEMA_VERSION,
    tool,
    title: textField(source, ["title", "name"]) ?? "Plan",
    summary:
      textField(args, ["explanation", "summary", "direction"]) ??
      textField(source, ["explanation", "summary", "direction"]) ??
      "",
    steps: (Array.isArray(steps) ? steps : [])
      .map((item, i) => step(i, item))
      .filter((s): s is JsonObject => s !== null),
    assumptions: listField(source, ["assumptions"]),
    open_questions: listField(source, ["open_questions", "questions", "unknowns"]),
    verification_commands: listField(source, ["verification_commands", "verification", "verify_commands"]),
    approval: approval(get(source, "approval") ?? get(args, "approval")),
  };
  const digest = Array.from(sha256(new TextEncoder().encode(canonicalJson(plan))), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  plan.id = `plan_${digest.slice(0, 12)}`;
  return plan;
}

/** ACP plan entries (`{content, status, priority?}`) for a plan; never empty. */
export function planEntries(plan: JsonValue): JsonObject[] {
  const steps = get(plan, "steps");
  const entries: JsonObject[] = [];
  for (const s of Array.isArray(steps) ? steps : []) {
    const content = typeof get(s, "content") === "string" ? (get(s, "content") as string).trim() : "";
    if (content === "") continue;
    const status = get(s, "status");
    const entry: JsonObject = { content, status: typeof status === "string" ? status : "pending" };
    const priority = get(s, "priority");
    if (priority !== undefined && priority !== null) entry.priority = priority;
    entries.push(entry);
  }
  if (entries.length > 0) return entries;
  const summary = typeof get(plan, "summary") === "string" ? (get(plan, "summary") as string).trim() : "";
  return [{ content: summary === "" ? "Plan emitted" : summary, status: "pending" }];
}

function section(lines: string[], plan: JsonValue, key: string, title: string): void {
  const items = get(plan, key);
  const texts = Array.isArray(items) ? items.filter((x): x is string => typeof x === "string") : [];
  if (texts.length > 0) lines.push("", `## ${title}`, ...texts.map((t) => `- ${t}`));
}

/** The plan as markdown (title, summary, checklist, lists, approval state). */
export function renderPlan(plan: JsonValue): string {
  const lines = [`# ${textField(plan, ["title"]) ?? "Plan"}`];
  const summary = textField(plan, ["summary"])?.trim() ?? "";
  if (summary !== "") lines.push("", summary);
  const steps = get(plan, "steps");
  if (Array.isArray(steps) && steps.length > 0) {
    lines.push("", "## Steps");
    for (const s of steps) {
      lines.push(`- [${textField(s, ["status"]) ?? "pending"}] ${textField(s, ["content"]) ?? ""}`);
    }
  }
  section(lines, plan, "assumptions", "Assumptions");
  section(lines, plan, "open_questions", "Open questions");
  section(lines, plan, "verification_commands", "Verification commands");
  lines.push("", `Approval: ${textField(get(plan, "approval"), ["state"]) ?? "unrequested"}`);
  return lines.join("\n");
}
