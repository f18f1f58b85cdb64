// Handoffs: a structured "over to you" from one persona to another persona
// or a human — the task, why, evidence, open questions, what the receiver
// may do, budget left, a check-back time, confidence. A handoff travels as
// its own record (`_type: "handoff_artifact"`) or inside an artifact of
// kind "handoff" whose text is the rendered context. Run records keep the
// handoffs their artifacts carry in `run.handoffs`, each linked back to
// the run (a `run_receipt` link) so the receiver can find the evidence.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import { normalizeArtifact, type RecordEnv } from "./artifacts.ts";
import { Fields, optFloat } from "./record-fields.ts";

const HANDOFF_TYPE = "handoff_artifact";

/** Trimmed, non-empty, first occurrence kept. */
function stringList(v: Value): string[] {
  const items = Array.isArray(v) ? v.map((x) => display(x).trim()) : [];
  return [...new Set(items.filter((x) => x !== ""))];
}

function blankToNull(v: string | null): string | null {
  return v === null || v.trim() === "" ? null : v;
}

function receiptLink(v: Value): Dict {
  const f = Fields.of(v, "handoff receipt link");
  return Dict.of({
    kind: f.str("kind").trim() || "run_receipt",
    label: blankToNull(f.optStr("label")),
    run_id: blankToNull(f.optStr("run_id")),
    artifact_id: blankToNull(f.optStr("artifact_id")),
    path: blankToNull(f.optStr("path")),
    href: blankToNull(f.optStr("href")),
  });
}

function targetOf(v: Value): Dict {
  const f = Fields.of(v, "handoff target");
  return Dict.of({
    kind: f.str("kind").trim() === "human" ? "human" : "persona",
    id: blankToNull(f.optStr("id")),
    label: blankToNull(f.optStr("label")),
  });
}

function targetName(target: Dict): string {
  const label = target.get("label");
  const id = target.get("id");
  return typeof label === "string" ? label : typeof id === "string" ? id : "unknown";
}

/** The canonical handoff for `v`, or the reason it is not a valid one. */
export function normalizeHandoff(v: Value, env: RecordEnv): Dict | string {
  let f: Fields;
  try {
    f = Fields.of(v, "handoff");
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const target = targetOf(f.raw("target_persona_or_human"));
  const confidence = f.optNum("confidence");
  const h = Dict.of({
    _type: f.str("_type") || HANDOFF_TYPE,
    id: f.str("id") || `handoff_${env.uuid()}`,
    parent_run_id: f.optStr("parent_run_id"),
    source_persona: f.str("source_persona").trim(),
    target_persona_or_human: target,
    task: f.str("task").trim(),
    reason: f.str("reason").trim(),
    evidence_refs: f.list("evidence_refs").map((e) => {
      const ef = Fields.of(e, "handoff evidence");
      return Dict.of({
        artifact_id: ef.optStr("artifact_id"),
        kind: ef.optStr("kind"),
        label: ef.optStr("label"),
        path: ef.optStr("path"),
        uri: ef.optStr("uri"),
      });
    }),
    files_or_entities_touched: stringList(f.raw("files_or_entities_touched")),
    open_questions: stringList(f.raw("open_questions")),
    blocked_on: stringList(f.raw("blocked_on")),
    requested_capabilities: stringList(f.raw("requested_capabilities")),
    allowed_side_effects: stringList(f.raw("allowed_side_effects")),
    budget_remaining: f.raw("budget_remaining"),
    deadline_checkback: f.raw("deadline_checkback"),
    confidence: confidence === null ? null : new HFloat(Math.min(Math.max(confidence, 0), 1)),
    receipt_links: f.list("receipt_links").map(receiptLink),
    created_at: f.str("created_at") || env.nowSecs(),
    metadata: f.dict("metadata"),
  });
  if (h.get("source_persona") === "") return "handoff source_persona is required";
  if (targetName(target) === "unknown") return "handoff target_persona_or_human is required";
  if (h.get("task") === "") return "handoff task is required";
  if (h.get("reason") === "") return "handoff reason is required";
  return h;
}

/** A handoff carried by `v`: a handoff record, a handoff artifact, or an agent-state handoff envelope. */
export function handoffFrom(v: Value, env: RecordEnv): Dict | null {
  if (!(v instanceof Dict)) return null;
  const type = v.get("_type");
  if (
    type === HANDOFF_TYPE ||
    (v.map.has("source_persona") && v.map.has("target_persona_or_human") && v.map.has("task"))
  ) {
    const h = normalizeHandoff(v, env);
    return typeof h === "string" ? null : h;
  }
  if (type === "artifact" || v.get("kind") === "handoff") {
    const fromData = handoffFrom(v.get("data"), env);
    if (fromData) return fromData;
    const h = normalizeHandoff(v, env);
    return typeof h === "string" ? null : h;
  }
  if (type === "agent_state_handoff")
    return handoffFrom(v.get("handoff"), env) ?? handoffFrom(v.get("summary"), env);
  return null;
}

function section(lines: string[], label: string, items: Value): void {
  if (!Array.isArray(items) || items.length === 0) return;
  lines.push(`<${label}>`, ...items.map((i) => `- ${display(i)}`), `</${label}>`);
}

const opt = (d: Value, k: string): Value => (d instanceof Dict ? d.get(k) : null);
const text = (v: Value): string => (v === null ? "" : display(v));

/** The handoff rendered for the receiver's prompt. */
export function handoffContext(h: Dict): string {
  const target = h.get("target_persona_or_human") as Dict;
  const lines = [
    `<source_persona>${text(h.get("source_persona"))}</source_persona>`,
    `<target kind="${text(target.get("kind"))}">${targetName(target)}</target>`,
    `<task>${text(h.get("task"))}</task>`,
    `<reason>${text(h.get("reason"))}</reason>`,
  ];
  for (const label of [
    "files_or_entities_touched",
    "open_questions",
    "blocked_on",
    "requested_capabilities",
    "allowed_side_effects",
  ]) {
    section(lines, label, h.get(label));
  }
  const evidence = h.get("evidence_refs") as Dict[];
  if (evidence.length > 0) {
    lines.push("<evidence_refs>");
    for (const e of evidence) {
      const parts = [
        text(e.get("label")),
        e.get("artifact_id") === null ? "" : `artifact_id=${text(e.get("artifact_id"))}`,
        e.get("path") === null ? "" : `path=${text(e.get("path"))}`,
        e.get("uri") === null ? "" : `uri=${text(e.get("uri"))}`,
        e.get("kind") === null ? "" : `kind=${text(e.get("kind"))}`,
      ].filter((p) => p !== "");
      lines.push(`- ${parts.join(" | ")}`);
    }
    lines.push("</evidence_refs>");
  }
  const budget = h.get("budget_remaining");
  if (budget !== null) {
    const dollars = opt(budget, "dollars");
    const amount = dollars instanceof HFloat ? dollars.v : typeof dollars === "number" ? dollars : null;
    lines.push(
      `<budget_remaining tokens="${text(opt(budget, "tokens"))}" tool_calls="${text(opt(budget, "tool_calls"))}" dollars="${amount === null ? "" : amount.toFixed(4)}" />`,
    );
  }
  const deadline = h.get("deadline_checkback");
  if (deadline !== null) {
    lines.push(
      `<deadline_checkback deadline="${text(opt(deadline, "deadline"))}" checkback_at="${text(opt(deadline, "checkback_at"))}" />`,
    );
  }
  const confidence = h.get("confidence");
  if (confidence instanceof HFloat) lines.push(`<confidence>${confidence.v.toFixed(2)}</confidence>`);
  return `<handoff>\n${lines.join("\n")}\n</handoff>`;
}

/** The artifact carrying `h` (updating `existing` when the handoff already has one). */
export function handoffArtifact(h: Dict, existing: Dict | null, env: RecordEnv): Dict {
  const target = h.get("target_persona_or_human") as Dict;
  const metadata = new Map(existing ? (existing.get("metadata") as Dict).map : []);
  metadata.set("handoff_id", h.get("id"));
  metadata.set("target_kind", target.get("kind"));
  metadata.set("target_label", targetName(target));
  const keep = (k: string, fallback: Value): Value => {
    const v = existing?.get(k) ?? null;
    return v === null ? fallback : v;
  };
  return normalizeArtifact(
    Dict.of({
      _type: "artifact",
      id: keep("id", `artifact_${text(h.get("id"))}`),
      kind: "handoff",
      title: keep("title", `Handoff to ${targetName(target)}`),
      text: handoffContext(h),
      data: h,
      source: keep("source", h.get("source_persona")),
      created_at: keep("created_at", ""),
      freshness: keep("freshness", "fresh"),
      priority: keep("priority", 85),
      lineage: keep("lineage", []),
      relevance: h.get("confidence") ?? optFloat(1),
      stage: keep("stage", null),
      metadata: new Dict(metadata),
    }),
    env,
  );
}

/** `normalizeArtifact`, plus: a handoff artifact is rebuilt around its (validated) handoff. */
export function normalizeArtifactWithHandoff(v: Value | undefined, env: RecordEnv): Dict {
  const artifact = normalizeArtifact(v, env);
  if (artifact.get("kind") !== "handoff") return artifact;
  const h = handoffFrom(artifact.get("data"), env) ?? handoffFrom(artifact, env);
  if (h === null) throw runtimeError("artifact handoff data must contain a valid handoff payload");
  return handoffArtifact(h, artifact, env);
}

function sameLink(a: Dict, b: Dict): boolean {
  return ["kind", "run_id", "artifact_id", "path", "href"].every((k) => a.get(k) === b.get(k));
}

/**
 * Collects the handoffs of `run` (its `handoffs` plus those inside its
 * artifacts), links each to the run, and keeps one artifact per handoff.
 */
export function syncRunHandoffs(run: Dict, env: RecordEnv): Dict {
  const byId = new Map<string, Dict>();
  for (const raw of run.get("handoffs") as Value[]) {
    const h = handoffFrom(raw, env);
    if (h) byId.set(text(h.get("id")), h);
  }
  const artifacts = [...(run.get("artifacts") as Dict[])];
  const artifactIndex = new Map<string, number>();
  artifacts.forEach((a, i) => {
    if (a.get("kind") !== "handoff") return;
    const h = handoffFrom(a.get("data"), env);
    if (!h) return;
    const id = text(h.get("id"));
    if (!byId.has(id)) byId.set(id, h);
    artifactIndex.set(id, i);
  });
  const runLink = receiptLink(
    Dict.of({
      kind: "run_receipt",
      label: run.get("workflow_name") ?? run.get("workflow_id"),
      run_id: run.get("id"),
      path: run.get("persisted_path"),
    }),
  );
  const handoffs = [...byId.values()]
    .sort((a, b) => (text(a.get("created_at")) < text(b.get("created_at")) ? -1 : 1))
    .map((h) => {
      const links = h.get("receipt_links") as Dict[];
      const linked = links.some((l) => sameLink(l, runLink)) ? links : [...links, runLink];
      const synced = h
        .with("receipt_links", linked)
        .with("parent_run_id", h.get("parent_run_id") ?? run.get("id"));
      const id = text(synced.get("id"));
      const at = artifactIndex.get(id);
      if (at === undefined) artifacts.push(handoffArtifact(synced, null, env));
      else artifacts[at] = handoffArtifact(synced, artifacts[at]!, env);
      return synced;
    });
  return run.with("handoffs", handoffs).with("artifacts", artifacts);
}
