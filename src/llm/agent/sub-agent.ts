// `sub_agent_run(task, options)` (spec: "Sub-agents"): an agent loop in a
// child session whose result comes back as an envelope — `{ok, summary,
// data, artifacts, evidence_added, tokens_used, budget_exceeded, error,
// session_id, transcript}` — rather than a raw loop result, so the parent
// transcript stays clean (only the envelope, never the child's tool
// chatter). `allowed_tools` narrows both the registry and the policy;
// `returns: {schema}` validates the child's JSON; a permission denial in
// the child, or a refusal by the nested execution budget, turns into
// `ok: false` with a categorized error.

import { v7 as uuidV7 } from "uuid";
import { CapabilityPolicy, PolicyError } from "../../runtime/policy/capability-policy.ts";
import { canonicalizeSchema, SchemaError } from "../../runtime/schema/canonicalize.ts";
import { type TaskContext, top } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { errorCategoryOf } from "../../runtime/error-category.ts";
import { runtimeError, VmError } from "../../vm/errors.ts";
import { validateSchemaValue } from "../../vm/schema-validate.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { isJsonObject, type JsonValue, jsonToValue } from "../json.ts";
import { llmStateOf } from "../state.ts";
import { toolEntries, toolName } from "../tools/registry.ts";
import { errorText } from "./callbacks.ts";
import { runAgentLoop } from "./loop.ts";
import { agentRuntimeOf } from "./runtime-state.ts";
import { assetsOf, eventsOf, messagesOf, transcriptEvent } from "./transcript.ts";
import { sanitizeVisibleText } from "./visible-text.ts";

export interface SubAgentSpec {
  readonly name: string;
  task: string;
  readonly system: string | null;
  /** The loop options (tools, policy and session id already resolved). */
  readonly options: Dict;
  readonly returnsSchema: Value | null;
  sessionId: string;
  readonly parentSessionId: string | null;
}

export interface SubAgentRequest {
  readonly spec: SubAgentSpec;
  readonly background: boolean;
  /** The loop's requested policy (explicit policy ∩ allowed_tools), or null. */
  readonly requestedPolicy: CapabilityPolicy | null;
}

/** Where a sub-agent runs: its VM, the task and context it runs under, and its cancellation. */
export interface RunSite {
  readonly vm: Vm;
  readonly owner: Task | null;
  readonly ctx: TaskContext;
  readonly signal: AbortSignal;
}

const HIDDEN_KEYS = [
  "background",
  "carry",
  "returns",
  "allowed_tools",
  "name",
  "execution",
  "system",
  "session_id",
];

function stringList(v: Value | undefined, label: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw runtimeError(`${label}: expected a list of strings`);
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== "string") throw runtimeError(`${label}: expected a list of strings`);
    const t = item.trim();
    if (t !== "" && !out.includes(t)) out.push(t);
  }
  return out;
}

function selectTools(registry: Value, names: readonly string[]): Dict {
  if (!(registry instanceof Dict) || registry.get("_type") !== "tool_registry") {
    throw runtimeError("sub_agent_run: tools must be a tool registry");
  }
  return registry.with(
    "tools",
    toolEntries(registry).filter((t) => names.includes(toolName(t))),
  );
}

function intersectOrFail(a: CapabilityPolicy, b: CapabilityPolicy): CapabilityPolicy {
  try {
    return a.intersect(b);
  } catch (e) {
    if (e instanceof PolicyError) throw runtimeError(e.message);
    throw e;
  }
}

export function newSessionId(prefix: string): string {
  return `${prefix}_${uuidV7()}`;
}

/** Parses `sub_agent_run(task, options)` as called from a task with context `ctx`. */
export function parseSubAgentRequest(args: readonly Value[], ctx: TaskContext): SubAgentRequest {
  const task = args[0] === undefined || args[0] === null ? "" : display(args[0]);
  if (task.trim() === "") throw runtimeError("sub_agent_run: task is required");
  const raw = args[1];
  if (raw !== undefined && raw !== null && !(raw instanceof Dict)) {
    throw runtimeError("sub_agent_run: options must be a dict");
  }
  const o = raw instanceof Dict ? raw : new Dict();
  const allowed = stringList(o.map.get("allowed_tools"), "sub_agent_run.allowed_tools");
  const base = o.map.get("tools") ?? (ctx.slots.toolRegistry as Value | null) ?? null;
  const tools = base === null ? null : allowed.length > 0 ? selectTools(base, allowed) : base;
  const explicit = o.map.get("policy");
  const toolPolicy = allowed.length > 0 ? new CapabilityPolicy(allowed) : null;
  const explicitPolicy =
    explicit === undefined || explicit === null ? null : CapabilityPolicy.fromValue(explicit);
  const requestedPolicy =
    explicitPolicy !== null && toolPolicy !== null
      ? intersectOrFail(explicitPolicy, toolPolicy)
      : (explicitPolicy ?? toolPolicy);
  const sessionValue = o.map.get("session_id");
  const sessionId =
    typeof sessionValue === "string" && sessionValue.trim() !== ""
      ? sessionValue
      : newSessionId("sub_agent_session");
  const options = new Map(o.map);
  for (const key of HIDDEN_KEYS) options.delete(key);
  options.set("session_id", sessionId);
  if (tools === null) options.delete("tools");
  else options.set("tools", tools);
  if (requestedPolicy === null) options.delete("policy");
  else options.set("policy", requestedPolicy.toValue());
  const systemValue = o.map.get("system");
  const returns = o.map.get("returns");
  const name = o.map.get("name");
  return {
    spec: {
      name: name === undefined || name === null || display(name).trim() === "" ? "sub-agent" : display(name),
      task,
      system: typeof systemValue === "string" && systemValue.trim() !== "" ? systemValue : null,
      options: new Dict(options),
      returnsSchema: returns instanceof Dict ? (returns.map.get("schema") ?? null) : null,
      sessionId,
      parentSessionId: top(ctx.slots.agentSessions) ?? null,
    },
    background: o.map.get("background") === true,
    requestedPolicy,
  };
}

/** Tokens the child spent, summed over the transcript's provider payloads. */
function tokensUsed(transcript: Value): number {
  let n = 0;
  for (const e of eventsOf(transcript)) {
    const meta = e instanceof Dict ? e.get("metadata") : null;
    if (!(meta instanceof Dict)) continue;
    const input = meta.get("input_tokens");
    const output = meta.get("output_tokens");
    n += (typeof input === "number" ? input : 0) + (typeof output === "number" ? output : 0);
  }
  return n;
}

interface JsonCandidate {
  readonly text: string;
  readonly value: JsonValue;
}

function jsonCandidate(vm: Vm, text: string): JsonCandidate | null {
  const extracted = llmStateOf(vm).json.extract(text);
  try {
    const value = JSON.parse(extracted) as JsonValue;
    return { text: JSON.stringify(value), value };
  } catch {
    return null;
  }
}

/** The last assistant texts of the transcript (messages first, then events), newest first. */
function assistantTexts(transcript: Dict): string[] {
  const out: string[] = [];
  for (const m of [...messagesOf(transcript)].reverse()) {
    if (!(m instanceof Dict) || m.get("role") !== "assistant") continue;
    const c = m.get("content");
    if (typeof c === "string" && c.trim() !== "") out.push(c);
  }
  for (const e of [...eventsOf(transcript)].reverse()) {
    if (!(e instanceof Dict) || e.get("role") !== "assistant") continue;
    const t = e.get("text");
    if (typeof t === "string" && t.trim() !== "") out.push(t);
  }
  return out;
}

/** The child's answer: its visible text, else earlier assistant turns, else the summary. */
function synthesize(vm: Vm, result: Dict, transcript: Dict, structured: boolean) {
  const raw = [result.get("visible_text"), result.get("text")].find((v) => typeof v === "string") as
    | string
    | undefined;
  const visible = sanitizeVisibleText(raw ?? "").trim();
  const rawTrimmed = (raw ?? "").trim();
  const earlier = assistantTexts(transcript);
  const earlierJson = earlier.map((t) => jsonCandidate(vm, t)).find((c) => c !== null) ?? null;
  const earlierText = earlier.map((t) => sanitizeVisibleText(t).trim()).find((t) => t !== "") ?? null;
  const summaryField = transcript.get("summary");
  const summary = typeof summaryField === "string" && summaryField.trim() !== "" ? summaryField : null;
  const json =
    jsonCandidate(vm, visible !== "" ? visible : rawTrimmed) ??
    earlierJson ??
    (summary ? jsonCandidate(vm, summary) : null);
  const text = structured
    ? (json?.text ?? (visible !== "" ? visible : null) ?? earlierText ?? summary ?? rawTrimmed)
    : ((visible !== "" ? visible : null) ?? earlierText ?? json?.text ?? summary ?? rawTrimmed);
  return { summary: text, json };
}

function wantsStructured(spec: SubAgentSpec): boolean {
  const o = spec.options.map;
  return (
    o.get("response_format") === "json" ||
    o.has("output_format") ||
    o.has("json_schema") ||
    o.has("output_schema")
  );
}

function validateReturns(value: JsonValue, schema: Value): { data: Value } | { error: string } {
  const data = jsonToValue(value);
  try {
    const errors = validateSchemaValue(data, canonicalizeSchema(schema as Dict), {
      applyDefaults: false,
      numericCompat: false,
    }).errors;
    return errors.length === 0
      ? { data }
      : { error: `sub_agent_run: return schema validation failed: ${errors.join("; ")}` };
  } catch (e) {
    if (e instanceof SchemaError)
      return { error: `sub_agent_run: return schema validation failed: ${e.message}` };
    throw e;
  }
}

/** The last refused tool call in the transcript whose result was a permission denial. */
function permissionDenial(vm: Vm, transcript: Dict): { tool: string; reason: string } | null {
  for (const e of [...eventsOf(transcript)].reverse()) {
    if (!(e instanceof Dict)) continue;
    const meta = e.get("metadata");
    if (!(meta instanceof Dict) || meta.get("rejected") !== true) continue;
    const parsed = jsonCandidate(vm, typeof e.get("text") === "string" ? (e.get("text") as string) : "");
    const v = parsed?.value;
    if (isJsonObject(v) && v.error === "permission_denied") {
      return {
        tool: typeof v.tool === "string" ? v.tool : "",
        reason: typeof v.reason === "string" ? v.reason : "permission denied",
      };
    }
  }
  return null;
}

interface Envelope {
  ok: boolean;
  summary: string;
  artifacts: Value[];
  tokensUsed: number;
  budgetExceeded: boolean;
  data: Value;
  error: Value;
  transcript: Dict | null;
}

function envelopeValue(spec: SubAgentSpec, e: Envelope): Dict {
  const m = new Map<string, Value>([
    ["ok", e.ok],
    ["summary", e.summary],
    ["artifacts", e.artifacts],
    ["evidence_added", e.artifacts.length],
    ["tokens_used", e.tokensUsed],
    ["budget_exceeded", e.budgetExceeded],
    ["data", e.data],
    ["error", e.error],
    ["session_id", spec.sessionId],
  ]);
  if (e.transcript !== null) m.set("transcript", e.transcript);
  return new Dict(m);
}

const errorDict = (category: string, message: string, tool?: string): Dict =>
  Dict.of(tool === undefined ? { category, message } : { category, message, tool });

function recordParent(vm: Vm, spec: SubAgentSpec, kind: string, text: string, metadata: Dict): void {
  if (spec.parentSessionId === null) return;
  agentRuntimeOf(vm).sessions.appendEvent(
    spec.parentSessionId,
    transcriptEvent(kind, "system", "internal", text, metadata),
  );
}

function finishEvent(vm: Vm, spec: SubAgentSpec, envelope: Envelope): void {
  recordParent(
    vm,
    spec,
    "sub_agent_result",
    envelope.summary,
    Dict.of({
      name: spec.name,
      child_session_id: spec.sessionId,
      ok: envelope.ok,
      summary: envelope.summary,
      evidence_added: envelope.artifacts.length,
      budget_exceeded: envelope.budgetExceeded,
      error: envelope.error,
    }),
  );
}

/** Runs the sub-agent; resolves to its envelope and transcript (errors become `ok: false`). */
export async function executeSubAgent(
  site: RunSite,
  spec: SubAgentSpec,
): Promise<{ envelope: Dict; transcript: Dict | null }> {
  const runtime = agentRuntimeOf(site.vm);
  if (spec.parentSessionId !== null) runtime.sessions.openChild(spec.parentSessionId, spec.sessionId);
  else runtime.sessions.open(spec.sessionId);
  recordParent(
    site.vm,
    spec,
    "sub_agent_start",
    spec.task,
    Dict.of({ name: spec.name, child_session_id: spec.sessionId, task: spec.task }),
  );
  // Sub-agents run without compaction or daemon mode, as in the reference.
  const options = spec.options
    .with("session_id", spec.sessionId)
    .with("compaction", false)
    .with("daemon", false);
  let result: Dict;
  try {
    result = await runAgentLoop({
      vm: site.vm,
      owner: site.owner,
      ctx: site.ctx,
      prompt: spec.task,
      system: spec.system,
      options,
      builtin: "sub_agent_run",
      kind: "sub_agent_run",
      signal: site.signal,
    });
  } catch (e) {
    const category = e instanceof VmError ? errorCategoryOf(e) : "generic";
    const message = e instanceof VmError && e.category !== "generic" ? e.detail : errorText(e);
    const transcript = runtime.sessions.snapshot(spec.sessionId) ?? null;
    const envelope: Envelope = {
      ok: false,
      summary: "",
      artifacts: [],
      tokensUsed: transcript === null ? 0 : tokensUsed(transcript),
      budgetExceeded: false,
      data: null,
      error: errorDict(category === "generic" ? "runtime" : category, message),
      transcript,
    };
    finishEvent(site.vm, spec, envelope);
    return { envelope: envelopeValue(spec, envelope), transcript };
  }
  return { envelope: envelopeFromResult(site.vm, spec, result), transcript: transcriptOf(result) };
}

function transcriptOf(result: Dict): Dict | null {
  const t = result.get("transcript");
  return t instanceof Dict ? t : null;
}

function envelopeFromResult(vm: Vm, spec: SubAgentSpec, result: Dict): Dict {
  const transcript = transcriptOf(result) ?? new Dict();
  const tokens = tokensUsed(transcript);
  if (result.get("status") === "blocked") {
    const error = result.get("error");
    const envelope: Envelope = {
      ok: false,
      summary: "",
      artifacts: [],
      tokensUsed: tokens,
      budgetExceeded: true,
      data: null,
      error:
        error instanceof Dict ? error : errorDict("budget_exceeded", "nested execution budget exhausted"),
      transcript,
    };
    finishEvent(vm, spec, envelope);
    return envelopeValue(spec, envelope);
  }
  const structured = spec.returnsSchema !== null || wantsStructured(spec);
  const { summary, json } = synthesize(vm, result, transcript, structured);
  const limit = spec.options.get("token_budget");
  const envelope: Envelope = {
    ok: true,
    summary,
    artifacts: assetsOf(transcript),
    tokensUsed: tokens,
    budgetExceeded: typeof limit === "number" && limit >= 0 && tokens >= limit,
    data: null,
    error: null,
    transcript,
  };
  if (spec.returnsSchema === null && structured && json !== null) envelope.data = jsonToValue(json.value);
  if (spec.returnsSchema !== null) {
    const checked =
      json === null
        ? { error: "sub_agent_run: child transcript did not contain valid JSON" }
        : validateReturns(json.value, spec.returnsSchema);
    if ("error" in checked) {
      envelope.ok = false;
      envelope.error = errorDict("schema_validation", checked.error);
    } else envelope.data = checked.data;
  }
  if (envelope.ok) {
    const denial = permissionDenial(vm, transcript);
    if (denial !== null) {
      envelope.ok = false;
      envelope.error = errorDict("permission_denied", denial.reason, denial.tool);
    }
  }
  finishEvent(vm, spec, envelope);
  return envelopeValue(spec, envelope);
}
