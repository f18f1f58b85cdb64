// How context packs look outside the assembler: the dicts
// `assemble_context` returns, the `<artifact>` blocks a stage prompt gets
// (with a closing `<context_budget>` summary), and the options dict a
// program or a stage's `context_assembler` passes in.

import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import {
  type AssembleDedup,
  type AssembleStrategy,
  type Assembled,
  type AssembleOptions,
  type Chunk,
  defaultAssembleOptions,
} from "./assemble.ts";

/** How a chunk looks to a ranker callback and in results (results add `score`). */
export function chunkValue(c: Chunk, withScore: boolean): Dict {
  const m = new Map<string, Value>([
    ["id", c.id],
    ["artifact_id", c.artifactId],
    ["artifact_kind", c.artifactKind],
    ["title", c.title],
    ["source", c.source],
    ["text", c.text],
    ["estimated_tokens", c.tokens],
    ["chunk_index", c.index],
    ["chunk_count", c.count],
  ]);
  if (withScore) m.set("score", new HFloat(c.score));
  return new Dict(m);
}

export function assembledValue(a: Assembled): Dict {
  return Dict.of({
    chunks: a.chunks.map((c) => chunkValue(c, true)),
    included: a.included,
    dropped: a.dropped.map((d) =>
      Dict.of({ artifact_id: d.artifactId, chunk_id: d.chunkId, reason: d.reason, detail: d.detail }),
    ),
    reasons: a.reasons,
    total_tokens: a.totalTokens,
    budget_tokens: a.options.budgetTokens,
    strategy: a.options.strategy,
    dedup: a.options.dedup,
  });
}

function escapeXml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The pack as stage-prompt context: one `<artifact>` block per chunk and a budget summary. */
export function renderAssembled(a: Assembled): string {
  const parts = a.chunks.map((c) =>
    [
      "<artifact>",
      `<title>${escapeXml(c.title ?? `${c.artifactKind} ${c.artifactId}`)}</title>`,
      `<kind>${escapeXml(c.artifactKind)}</kind>`,
      `<source>${escapeXml(c.source ?? "unknown")}</source>`,
      `<chunk_id>${escapeXml(c.id)}</chunk_id>`,
      `<chunk_index>${c.index + 1} of ${c.count}</chunk_index>`,
      "<body>",
      c.text,
      "</body>",
      "</artifact>",
    ].join("\n"),
  );
  parts.push(
    `<context_budget>\n<used_tokens>${a.totalTokens}</used_tokens>\n<budget_tokens>${a.options.budgetTokens}</budget_tokens>\n<strategy>${a.options.strategy}</strategy>\n<dedup>${a.options.dedup}</dedup>\n</context_budget>`,
  );
  return parts.join("\n\n");
}

const STRATEGIES: readonly AssembleStrategy[] = ["recency", "relevance", "round_robin"];
const DEDUPS: readonly AssembleDedup[] = ["none", "chunked", "semantic"];

/** Options from an `assemble_context` dict (or a stage's `context_assembler`). */
export function parseAssembleOptions(d: Dict): AssembleOptions {
  const o = defaultAssembleOptions();
  const count = (key: string): number | null => {
    const v = d.get(key);
    if (typeof v !== "number") return null;
    if (v < 0) throw runtimeError(`assemble_context: ${key} must be >= 0`);
    return v;
  };
  o.budgetTokens = count("budget_tokens") ?? o.budgetTokens;
  o.microcompactThreshold = count("microcompact_threshold") ?? o.microcompactThreshold;
  const dedup = d.get("dedup");
  if (typeof dedup === "string") {
    if (!(DEDUPS as readonly string[]).includes(dedup)) {
      throw runtimeError(`assemble_context: dedup must be one of none | chunked | semantic (got "${dedup}")`);
    }
    o.dedup = dedup as AssembleDedup;
  }
  const strategy = d.get("strategy");
  if (typeof strategy === "string") {
    if (!(STRATEGIES as readonly string[]).includes(strategy)) {
      throw runtimeError(
        `assemble_context: strategy must be one of recency | relevance | round_robin (got "${strategy}")`,
      );
    }
    o.strategy = strategy as AssembleStrategy;
  }
  const query = d.get("query");
  if (typeof query === "string" && query.trim() !== "") o.query = query;
  const overlap = d.get("semantic_overlap");
  const f = typeof overlap === "number" ? overlap : overlap instanceof HFloat ? overlap.v : null;
  if (f !== null) {
    if (f < 0 || f > 1) throw runtimeError("assemble_context: semantic_overlap must be in [0.0, 1.0]");
    o.semanticOverlap = f;
  }
  return o;
}
