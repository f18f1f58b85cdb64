// Context packs: manifests of the context a task needs gathered up front
// (queries, docs, tools, secrets by capability reference, output slots),
// and suggestions for new ones. Friction events that recur (same kind,
// source, tool, provider and topic) become a suggestion: a candidate
// manifest with the evidence and the time and cost it would have saved.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { RecordEnv } from "./artifacts.ts";
import { hints, looksLikeSecret, meta, s, slugify, words } from "./friction.ts";
import { Fields, float } from "./record-fields.ts";

export function normalizeContextPack(v: Value | undefined, env: RecordEnv): Dict {
  const f = Fields.of(v, "context_pack_manifest");
  const name = f.str("name");
  if (name.trim() === "") throw runtimeError("context_pack_manifest: missing name");
  const owner = f.str("owner");
  if (owner.trim() === "") throw runtimeError("context_pack_manifest: missing owner");
  const secrets = f.list("secrets");
  for (const secret of secrets) {
    const sf = Fields.of(secret, "context_pack_manifest secret");
    if (looksLikeSecret(sf.str("name")) || looksLikeSecret(sf.str("capability"))) {
      throw runtimeError(
        "context_pack_manifest: secrets must be capability references, not raw secret values",
      );
    }
  }
  for (const query of f.list("included_queries")) {
    const qf = Fields.of(query, "context_pack_manifest query");
    if (qf.str("id").trim() === "" || qf.str("query").trim() === "") {
      throw runtimeError("context_pack_manifest: included queries require id and query");
    }
  }
  const refresh = Fields.of(f.raw("refresh_policy"), "context_pack_manifest refresh_policy");
  const version = f.optInt("version");
  return Dict.of({
    version: version === null || version === 0 ? 1 : version,
    id: f.str("id").trim() === "" ? slugify(name, env) : f.str("id"),
    name,
    description: f.optStr("description"),
    owner,
    triggers: f.list("triggers"),
    inputs: f.list("inputs"),
    included_queries: f.list("included_queries"),
    included_docs: f.list("included_docs"),
    included_tools: f.list("included_tools"),
    refresh_policy: Dict.of({
      mode: refresh.str("mode") || "on_demand",
      interval: refresh.optStr("interval"),
      stale_after: refresh.optStr("stale_after"),
    }),
    secrets,
    capabilities: f.strList("capabilities"),
    output_slots: f.list("output_slots"),
    fallback_instructions: f.optStr("fallback_instructions"),
    review: f.raw("review"),
    metadata: f.dict("metadata"),
  });
}

function recommendedArtifact(kind: string): string {
  if (kind === "approval_stall" || kind === "manual_handoff") return "workflow";
  if (["tool_gap", "failed_assumption", "expensive_model_used_for_deterministic_step"].includes(kind))
    return "both";
  return "context_pack";
}

function confidence(occurrences: number): number {
  return occurrences <= 1
    ? 0
    : occurrences === 2
      ? 0.62
      : occurrences === 3
        ? 0.74
        : occurrences === 4
          ? 0.82
          : 0.9;
}

function candidateManifest(
  title: string,
  artifact: string,
  group: Dict[],
  owner: string | null,
  env: RecordEnv,
): Dict {
  const first = group[0]!;
  const queries: Dict[] = [];
  const docs: Dict[] = [];
  const tools: Dict[] = [];
  const capabilities = new Set<string>();
  const secrets = new Map<string, Dict>();
  const slots = new Map<string, Dict>();
  for (const e of group) {
    const query = meta(e, "query") ?? meta(e, "deterministic_query");
    if (query !== null) {
      const filters = e.get("metadata") instanceof Dict ? (e.get("metadata") as Dict).get("filters") : null;
      queries.push(
        Dict.of({
          id: `query_${queries.length + 1}`,
          label: meta(e, "query_label") ?? s(e, "tool"),
          provider: s(e, "provider") ?? s(e, "tool"),
          query,
          filters: filters instanceof Dict ? filters : new Dict(),
          output_slot: meta(e, "output_slot") ?? "primary_context",
        }),
      );
    }
    for (const [key, field] of [
      ["doc_url", "url"],
      ["document_url", "url"],
      ["doc_path", "path"],
      ["document_path", "path"],
    ] as const) {
      const where = meta(e, key);
      if (where === null) continue;
      docs.push(
        Dict.of({
          id: `doc_${docs.length + 1}`,
          title: meta(e, "doc_title"),
          url: field === "url" ? where : null,
          path: field === "path" ? where : null,
          freshness: meta(e, "freshness"),
        }),
      );
    }
    const tool = s(e, "tool") ?? meta(e, "tool");
    if (tool !== null) {
      const kind = s(e, "kind") ?? "";
      tools.push(
        Dict.of({
          name: tool,
          capability: meta(e, "capability"),
          purpose: s(e, "redacted_summary"),
          deterministic: kind === "repeated_query" || kind === "missing_context",
        }),
      );
    }
    const capability = meta(e, "capability");
    if (capability !== null) capabilities.add(capability);
    const secret = meta(e, "secret_ref");
    if (secret !== null && !secrets.has(secret)) {
      secrets.set(secret, Dict.of({ name: secret, capability, required: true }));
    }
    const slot = meta(e, "output_slot") ?? "primary_context";
    if (!slots.has(slot)) {
      const description = "Context gathered before the agent starts work";
      slots.set(slot, Dict.of({ name: slot, description, artifact_kind: "context" }));
    }
  }
  const kind = s(first, "kind") ?? "";
  if (queries.length === 0 && (kind === "repeated_query" || kind === "missing_context")) {
    queries.push(
      Dict.of({
        id: "query_1",
        label: s(first, "tool") ?? s(first, "provider"),
        provider: s(first, "provider") ?? s(first, "tool"),
        query: s(first, "redacted_summary"),
        filters: new Dict(),
        output_slot: "primary_context",
      }),
    );
  }
  const byKey = <T>(m: Map<string, T>): T[] => [...m.keys()].sort().map((k) => m.get(k)!);
  return Dict.of({
    version: 1,
    id: slugify(title, env),
    name: title,
    description: `Candidate generated from repeated ${kind} friction; review before promotion.`,
    owner: owner ?? s(first, "actor") ?? "team",
    triggers: [Dict.of({ kind, source: s(first, "source"), match_hint: hints(first)[0] ?? null })],
    inputs: [
      Dict.of({
        name: "incident_or_task",
        description: "The current incident, ticket, run, or task identifier.",
        required: true,
        source: s(first, "source"),
      }),
    ],
    included_queries: queries,
    included_docs: docs,
    included_tools: tools,
    refresh_policy: Dict.of({ mode: "on_demand", interval: null, stale_after: null }),
    secrets: byKey(secrets),
    capabilities: [...capabilities].sort(),
    output_slots: byKey(slots),
    fallback_instructions:
      "If deterministic context is insufficient, ask a scoped clarifying question and record a new friction event.",
    review: Dict.of({
      owner,
      approval_required: true,
      privacy_notes: ["Confirm queries and docs do not expose raw customer secrets."],
    }),
    metadata: Dict.of({ recommended_artifact: artifact }),
  });
}

function groupKey(e: Dict): string {
  const hint = hints(e)[0] ?? words(s(e, "redacted_summary") ?? "");
  return [s(e, "kind"), s(e, "source"), s(e, "tool"), s(e, "provider"), hint].map((x) => x ?? "").join("|");
}

function num(v: Value): number | null {
  return typeof v === "number" ? v : v instanceof HFloat ? v.v : null;
}

/** Suggestions for every group of at least `minOccurrences` (never below 2) similar events. */
export function contextPackSuggestions(
  events: readonly Dict[],
  minOccurrences: number,
  owner: string | null,
  env: RecordEnv,
): Dict[] {
  const groups = new Map<string, Dict[]>();
  for (const e of events) groups.set(groupKey(e), [...(groups.get(groupKey(e)) ?? []), e]);
  return [...groups.keys()]
    .sort()
    .map((k) => groups.get(k)!)
    .filter((g) => g.length >= Math.max(minOccurrences, 2))
    .map((unordered) => {
      const group = [...unordered].sort((a, b) =>
        (s(a, "timestamp") ?? "") < (s(b, "timestamp") ?? "")
          ? -1
          : (s(a, "timestamp") ?? "") > (s(b, "timestamp") ?? "")
            ? 1
            : (s(a, "id") ?? "") < (s(b, "id") ?? "")
              ? -1
              : 1,
      );
      const first = group[0]!;
      const topic =
        hints(first)[0] ??
        words(s(first, "redacted_summary") ?? "")
          .split(" ")
          .slice(0, 6)
          .join(" ");
      const title = `${s(first, "source") ?? "team"} ${topic} context pack`;
      const artifact = recommendedArtifact(s(first, "kind") ?? "");
      const later = group.slice(1);
      return Dict.of({
        _type: "context_pack_suggestion",
        id: `context_pack_suggestion_${env.uuid()}`,
        title,
        recommended_artifact: artifact,
        confidence: float(confidence(group.length)),
        candidate_manifest: candidateManifest(title, artifact, group, owner, env),
        evidence: group.map((e) =>
          Dict.of({
            event_id: e.get("id"),
            kind: e.get("kind"),
            source: e.get("source"),
            tool: e.get("tool"),
            provider: e.get("provider"),
            redacted_summary: e.get("redacted_summary"),
            run_id: e.get("run_id"),
            trace_id: e.get("trace_id"),
            estimated_cost_usd: e.get("estimated_cost_usd"),
            estimated_time_ms: e.get("estimated_time_ms"),
          }),
        ),
        examples: [...new Set(group.map((e) => s(e, "redacted_summary") ?? ""))].sort().slice(0, 3),
        estimated_savings: Dict.of({
          occurrences: group.length,
          estimated_time_saved_ms: later.reduce((n, e) => n + (num(e.get("estimated_time_ms")) ?? 0), 0),
          estimated_cost_saved_usd: float(
            later.reduce((n, e) => n + (num(e.get("estimated_cost_usd")) ?? 0), 0),
          ),
        }),
        risk_privacy_notes: [
          "Evidence uses redacted summaries; raw prompts, raw content, and secret-looking metadata are not retained.",
          "Review required before enabling this context pack for future runs.",
        ],
        source_event_ids: group.map((e) => e.get("id")),
        created_at: env.nowSecs(),
        metadata: new Dict(),
      });
    });
}

/** Failures of `suggestions` against expectations {min_suggestions, recommended_artifact, title_contains, ...}. */
export function checkSuggestions(suggestions: readonly Dict[], expectations: readonly Value[]): string[] {
  const failures: string[] = [];
  for (const raw of expectations) {
    const x = Fields.of(raw, "friction_eval_fixture expectation");
    const min = x.optInt("min_suggestions");
    if (min !== null && suggestions.length < min) {
      failures.push(`expected at least ${min} context-pack suggestion(s), got ${suggestions.length}`);
      continue;
    }
    const criteria = [
      "recommended_artifact",
      "title_contains",
      "manifest_name_contains",
      "required_capability",
      "required_output_slot",
    ];
    if (min !== null && criteria.every((k) => x.optStr(k) === null)) continue;
    const lower = (v: string | null): string => (v ?? "").toLowerCase();
    const matches = suggestions.some((sg) => {
      const manifest = sg.get("candidate_manifest") as Dict;
      const tools = manifest.get("included_tools") as Dict[];
      const capability = x.optStr("required_capability");
      const slot = x.optStr("required_output_slot");
      const want = (key: string, actual: string | null): boolean => {
        const needle = x.optStr(key);
        return needle === null || lower(actual).includes(needle.toLowerCase());
      };
      return (
        (x.optStr("recommended_artifact") === null ||
          s(sg, "recommended_artifact") === x.optStr("recommended_artifact")) &&
        want("title_contains", s(sg, "title")) &&
        want("manifest_name_contains", s(manifest, "name")) &&
        (capability === null ||
          (manifest.get("capabilities") as Value[]).includes(capability) ||
          tools.some((t) => t.get("capability") === capability)) &&
        (slot === null || (manifest.get("output_slots") as Dict[]).some((o) => o.get("name") === slot))
      );
    });
    if (!matches) failures.push(`no context-pack suggestion matched expectation ${display(x.d)}`);
  }
  return failures;
}
