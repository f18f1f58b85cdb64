// Artifacts: the typed pieces of context a workflow passes between stages
// (files, diffs, reviews, verification results, summaries, ...). An
// artifact is a dict `{_type: "artifact", id, kind, title, text, data,
// source, created_at, freshness, priority, lineage, relevance,
// estimated_tokens, stage, metadata}`; normalisation fills the id, the
// creation time, a canonical kind (file -> workspace_file, ...), a token
// estimate (UTF-8 bytes / 4) and a default priority by kind. Selection
// filters by a context policy, orders by pin, kind, priority, freshness,
// recency, relevance and size, and packs within a token budget.

import type { RunFiles } from "../../runtime/workflow/observability.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import { Fields, optFloat } from "./record-fields.ts";

export interface RecordEnv {
  uuid(): string;
  /** Creation stamps are unix seconds as text, as the reference writes them. */
  nowSecs(): string;
  /** Sidecar files next to persisted runs, for the run observability summary (optional). */
  readonly files?: RunFiles;
}

const KIND_ALIASES: Record<string, string> = {
  file: "workspace_file",
  transcript: "transcript_summary",
  verification: "verification_result",
  test: "test_result",
};

function canonicalKind(kind: string): string {
  if (kind.trim() === "") return "artifact";
  return KIND_ALIASES[kind] ?? kind;
}

function defaultPriority(kind: string): number {
  switch (kind) {
    case "verification_result":
    case "test_result":
      return 100;
    case "verification_bundle":
      return 95;
    case "handoff":
      return 92;
    case "diff":
    case "git_diff":
    case "patch":
    case "patch_set":
    case "patch_proposal":
    case "diff_review":
    case "review_decision":
    case "apply_intent":
      return 90;
    case "plan":
      return 80;
    case "workspace_file":
    case "workspace_snapshot":
    case "editor_selection":
    case "resource":
      return 70;
    case "summary":
    case "transcript_summary":
      return 60;
    case "command_result":
      return 50;
    default:
      return 40;
  }
}

export function freshnessRank(f: string | null): number {
  if (f === "fresh" || f === "live") return 3;
  if (f === "recent") return 2;
  if (f === "stale") return 0;
  return 1;
}

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

export function estimateTokens(text: string): number {
  return Math.ceil(utf8Length(text) / 4);
}

/** The canonical artifact dict for `v`. */
export function normalizeArtifact(v: Value | undefined, env: RecordEnv): Dict {
  const f = Fields.of(v, "artifact");
  const kind = canonicalKind(f.str("kind", "artifact"));
  const text = f.optStr("text");
  const tokens = f.optInt("estimated_tokens") ?? (text === null ? null : estimateTokens(text));
  return Dict.of({
    _type: f.str("_type") || "artifact",
    id: f.str("id") || `artifact_${env.uuid()}`,
    kind,
    title: f.optStr("title"),
    text,
    data: f.raw("data"),
    source: f.optStr("source"),
    created_at: f.str("created_at") || env.nowSecs(),
    freshness: f.optStr("freshness"),
    priority: f.optInt("priority") ?? defaultPriority(kind),
    lineage: f.strList("lineage"),
    relevance: optFloat(f.optNum("relevance")),
    estimated_tokens: tokens,
    stage: f.optStr("stage"),
    metadata: f.dict("metadata"),
  });
}

export function normalizeArtifactList(v: Value | undefined, env: RecordEnv, builtin: string): Dict[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw runtimeError(`${builtin}: expected artifact list or nil`);
  return v.map((item) => normalizeArtifact(item, env));
}

export interface ContextPolicy {
  readonly maxArtifacts: number | null;
  readonly maxTokens: number | null;
  readonly reserveTokens: number | null;
  readonly includeKinds: readonly string[];
  readonly excludeKinds: readonly string[];
  readonly prioritizeKinds: readonly string[];
  readonly pinnedIds: readonly string[];
  readonly includeStages: readonly string[];
  readonly preferRecent: boolean;
  readonly preferFresh: boolean;
  readonly render: string | null;
}

export function parseContextPolicy(v: Value | undefined): ContextPolicy {
  const f = Fields.of(v, "context policy");
  return {
    maxArtifacts: f.optInt("max_artifacts"),
    maxTokens: f.optInt("max_tokens"),
    reserveTokens: f.optInt("reserve_tokens"),
    includeKinds: f.strList("include_kinds"),
    excludeKinds: f.strList("exclude_kinds"),
    prioritizeKinds: f.strList("prioritize_kinds"),
    pinnedIds: f.strList("pinned_ids"),
    includeStages: f.strList("include_stages"),
    preferRecent: f.bool("prefer_recent"),
    preferFresh: f.bool("prefer_fresh"),
    render: f.optStr("render"),
  };
}

const text = (a: Dict, k: string): string | null => {
  const v = a.get(k);
  return typeof v === "string" ? v : null;
};
const num = (a: Dict, k: string): number | null => {
  const v = a.get(k);
  return typeof v === "number" ? v : v instanceof HFloat ? v.v : null;
};

/** Artifacts the policy admits, best first, within its count and token budget. */
export function selectArtifacts(artifacts: readonly Dict[], p: ContextPolicy): Dict[] {
  const admitted = artifacts.filter((a) => {
    const kind = text(a, "kind") ?? "";
    const stage = text(a, "stage");
    return (
      (p.includeKinds.length === 0 || p.includeKinds.includes(kind)) &&
      !p.excludeKinds.includes(kind) &&
      (p.includeStages.length === 0 || (stage !== null && p.includeStages.includes(stage)))
    );
  });
  const flag = (b: boolean): number => (b ? 1 : 0);
  const ordered = admitted
    .map((a, i) => ({ a, i }))
    .sort((x, y) => {
      const a = x.a;
      const b = y.a;
      return (
        flag(p.pinnedIds.includes(text(b, "id") ?? "")) - flag(p.pinnedIds.includes(text(a, "id") ?? "")) ||
        flag(p.prioritizeKinds.includes(text(b, "kind") ?? "")) -
          flag(p.prioritizeKinds.includes(text(a, "kind") ?? "")) ||
        (num(b, "priority") ?? 0) - (num(a, "priority") ?? 0) ||
        (p.preferFresh ? freshnessRank(text(b, "freshness")) - freshnessRank(text(a, "freshness")) : 0) ||
        (p.preferRecent ? compareText(text(b, "created_at"), text(a, "created_at")) : 0) ||
        compareRelevance(num(b, "relevance"), num(a, "relevance")) ||
        (num(a, "estimated_tokens") ?? Number.MAX_SAFE_INTEGER) -
          (num(b, "estimated_tokens") ?? Number.MAX_SAFE_INTEGER) ||
        x.i - y.i
      );
    })
    .map((x) => x.a);
  const budget = p.maxTokens === null ? null : Math.max(0, p.maxTokens - (p.reserveTokens ?? 0));
  const selected: Dict[] = [];
  let used = 0;
  for (const a of ordered) {
    if (p.maxArtifacts !== null && selected.length >= p.maxArtifacts) break;
    const tokens = num(a, "estimated_tokens") ?? 0;
    if (budget !== null && used + tokens > budget) continue;
    used += tokens;
    selected.push(a);
  }
  return selected;
}

function compareText(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Larger relevance first; a missing relevance sorts below any present one. */
function compareRelevance(b: number | null, a: number | null): number {
  if (a === b) return 0;
  if (b === null) return -1;
  if (a === null) return 1;
  return b - a;
}

const COMPACT_MARKER = "\n… [truncated] …\n";

/** Shortens `text` to about `maxChars`, keeping its head and tail. */
function compactText(body: string, maxChars: number): string {
  if (body.length <= maxChars || maxChars < 200) return body;
  const keep = maxChars - COMPACT_MARKER.length;
  const head = Math.ceil(keep * 0.6);
  return body.slice(0, head) + COMPACT_MARKER + body.slice(body.length - (keep - head));
}

/**
 * Selection for tight budgets: drops evidence that a fresher artifact
 * changed, drops duplicate text (keeping the first, which the caller orders
 * by preference), shrinks artifacts far over their share of the budget,
 * then selects.
 */
export function selectArtifactsAdaptive(artifacts: readonly Dict[], p: ContextPolicy): Dict[] {
  const paths = (a: Dict, k: string): string[] => {
    const m = a.get("metadata");
    const list = m instanceof Dict ? m.get(k) : null;
    return Array.isArray(list)
      ? list.filter((x): x is string => typeof x === "string" && x.trim() !== "")
      : [];
  };
  const changed = new Set(
    artifacts
      .filter((a) => freshnessRank(text(a, "freshness")) >= 2)
      .flatMap((a) => paths(a, "changed_paths")),
  );
  const current = artifacts.filter((a) => {
    const evidence = paths(a, "evidence_paths");
    return (
      evidence.length === 0 ||
      freshnessRank(text(a, "freshness")) >= 2 ||
      !evidence.some((e) => changed.has(e))
    );
  });
  const seen = new Set<string>();
  let unique = current.filter((a) => {
    const body = text(a, "text") ?? "";
    if (body === "") return true;
    if (seen.has(body)) return false;
    seen.add(body);
    return true;
  });
  if (p.maxTokens !== null) {
    const cap = Math.min(Math.max(Math.floor(p.maxTokens / Math.max(unique.length, 1)), 500), p.maxTokens);
    unique = unique.map((a) => {
      const est = num(a, "estimated_tokens") ?? 0;
      const body = text(a, "text");
      if (est <= cap * 2 || body === null || body.length <= cap * 4 || cap * 4 < 200) return a;
      return a.with("text", compactText(body, cap * 4)).with("estimated_tokens", cap);
    });
  }
  return selectArtifacts(unique, p);
}

function escapePrompt(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The selected artifacts as prompt context (tagged blocks, or JSON lines with render "json"). */
export function renderArtifactsContext(
  artifacts: readonly Dict[],
  p: ContextPolicy,
  toJson: (v: Value) => string,
): string {
  return artifacts
    .map((a) => {
      const kind = text(a, "kind") ?? "artifact";
      const title = text(a, "title") ?? `${kind} ${text(a, "id") ?? ""}`;
      const data = a.get("data");
      const body = text(a, "text") ?? (data === null ? "" : toJson(data));
      if (p.render === "json") {
        return toJson(
          Dict.of({
            id: a.get("id"),
            kind,
            title,
            source: a.get("source"),
            freshness: a.get("freshness"),
            priority: a.get("priority"),
            text: body,
          }),
        );
      }
      return [
        "<artifact>",
        `<title>${escapePrompt(title)}</title>`,
        `<kind>${escapePrompt(kind)}</kind>`,
        `<source>${escapePrompt(text(a, "source") ?? "unknown")}</source>`,
        `<freshness>${escapePrompt(text(a, "freshness") ?? "normal")}</freshness>`,
        `<priority>${num(a, "priority") ?? 0}</priority>`,
        "<body>",
        body,
        "</body>",
        "</artifact>",
      ].join("\n");
    })
    .join("\n\n");
}
