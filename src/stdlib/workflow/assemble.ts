// Context assembly (spec: "assemble_context"): pack artifacts into a
// token budget as chunks. Artifacts over `microcompact_threshold` tokens
// are split at paragraph, then line, then character boundaries; chunks
// get content-addressed ids (`<artifact id>#<16 hex of sha256(text)>`), so
// the same text keeps its id across calls; duplicates are dropped
// (`chunked`: same text up to whitespace, `semantic`: trigram Jaccard
// overlap); chunks are ordered by recency, relevance (keyword overlap with
// `query`, or a ranker callback's scores) or round robin across artifacts,
// then packed greedily. Every decision is reported in `reasons`/`dropped`.

import { sha256 } from "@noble/hashes/sha2.js";
import { Dict, HFloat } from "../../vm/values.ts";
import { utf8Length } from "../orchestration/artifacts.ts";
import { str } from "./shape.ts";

export type AssembleStrategy = "recency" | "relevance" | "round_robin";
export type AssembleDedup = "none" | "chunked" | "semantic";

export interface AssembleOptions {
  budgetTokens: number;
  dedup: AssembleDedup;
  strategy: AssembleStrategy;
  query: string | null;
  microcompactThreshold: number;
  semanticOverlap: number;
}

export function defaultAssembleOptions(): AssembleOptions {
  return {
    budgetTokens: 8000,
    dedup: "chunked",
    strategy: "relevance",
    query: null,
    microcompactThreshold: 2000,
    semanticOverlap: 0.85,
  };
}

export interface Chunk {
  readonly id: string;
  readonly artifactId: string;
  readonly artifactKind: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly text: string;
  readonly tokens: number;
  readonly index: number;
  readonly count: number;
  score: number;
}

interface Exclusion {
  readonly artifactId: string;
  readonly chunkId: string | null;
  readonly reason: string;
  readonly detail: string | null;
}

export interface Assembled {
  readonly chunks: Chunk[];
  readonly dropped: Exclusion[];
  readonly reasons: Dict[];
  readonly included: Dict[];
  readonly totalTokens: number;
  readonly options: AssembleOptions;
}

export function chunkId(artifactId: string, text: string): string {
  const digest = sha256(new TextEncoder().encode(text));
  const hex = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${artifactId}#${hex}`;
}

export const chunkTokens = (text: string): number => Math.ceil(utf8Length(text) / 4);

function paragraphs(text: string): string[] {
  const out = text
    .split(/\n{2,}/)
    .map((p) => p.replace(/^\n+|\n+$/g, ""))
    .filter((p) => p !== "");
  return out.length === 0 && text !== "" ? [text] : out;
}

/** Splits an oversized paragraph by lines, then by characters. */
function splitParagraph(paragraph: string, targetChars: number, chunks: string[]): void {
  let inner = "";
  for (const line of paragraph.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if (utf8Length(inner) + utf8Length(line) > targetChars && inner !== "") {
      chunks.push(inner);
      inner = "";
    }
    if (utf8Length(line) <= targetChars) {
      inner += line;
      continue;
    }
    if (inner !== "") {
      chunks.push(inner);
      inner = "";
    }
    const chars = Array.from(line);
    for (let i = 0; i < chars.length; i += targetChars) chunks.push(chars.slice(i, i + targetChars).join(""));
  }
  if (inner !== "") chunks.push(inner);
}

/** `text` in pieces of about `targetTokens` tokens, preferring paragraph boundaries. */
export function chunkText(text: string, targetTokens: number): string[] {
  if (text === "") return [];
  const targetChars = Math.max(1, targetTokens) * 4;
  if (utf8Length(text) <= targetChars) return [text];
  const chunks: string[] = [];
  let current = "";
  for (const p of paragraphs(text)) {
    if (utf8Length(current) + utf8Length(p) + 2 > targetChars && current !== "") {
      chunks.push(current);
      current = "";
    }
    if (utf8Length(p) > targetChars) {
      if (current !== "") chunks.push(current);
      current = "";
      splitParagraph(p, targetChars, chunks);
    } else {
      current = current === "" ? p : `${current}\n\n${p}`;
    }
  }
  if (current !== "") chunks.push(current);
  return chunks;
}

/** Every candidate chunk of the artifacts (artifacts without text are reported as dropped). */
export function candidateChunks(
  artifacts: readonly Dict[],
  o: AssembleOptions,
  dropped: Exclusion[],
): Chunk[] {
  const out: Chunk[] = [];
  for (const a of artifacts) {
    const artifactId = str(a, "id") ?? "";
    const text = str(a, "text");
    if (text === null || text.trim() === "") {
      const reason = text === null ? "no_text" : "empty_text";
      dropped.push({ artifactId, chunkId: null, reason, detail: null });
      continue;
    }
    const given = a.get("estimated_tokens");
    const estimated = typeof given === "number" ? given : chunkTokens(text);
    const pieces = estimated > o.microcompactThreshold ? chunkText(text, o.microcompactThreshold) : [text];
    pieces.forEach((piece, index) => {
      out.push({
        id: chunkId(artifactId, piece),
        artifactId,
        artifactKind: str(a, "kind") ?? "artifact",
        title: str(a, "title"),
        source: str(a, "source"),
        text: piece,
        tokens: chunkTokens(piece),
        index,
        count: pieces.length,
        score: 0,
      });
    });
  }
  return out;
}

function trigrams(text: string): Set<string> {
  const normalized = Array.from(text)
    .map((c) => (/[\p{L}\p{N}]/u.test(c) ? c.toLowerCase() : /\s/.test(c) ? " " : ""))
    .join("");
  const out = new Set<string>();
  for (let i = 0; i + 3 <= normalized.length; i++) out.add(normalized.slice(i, i + 3));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

function dedupe(chunks: Chunk[], o: AssembleOptions, dropped: Exclusion[]): Chunk[] {
  if (o.dedup === "none") return chunks;
  if (o.dedup === "chunked") {
    const seen = new Set<string>();
    return chunks.filter((c) => {
      const key = c.text
        .split(/\s+/)
        .filter((w) => w !== "")
        .join(" ");
      if (!seen.has(key)) {
        seen.add(key);
        return true;
      }
      dropped.push({ artifactId: c.artifactId, chunkId: c.id, reason: "duplicate", detail: "chunked" });
      return false;
    });
  }
  const kept: [Chunk, Set<string>][] = [];
  for (const c of chunks) {
    const grams = trigrams(c.text);
    const match = kept.find(([, g]) => jaccard(grams, g) >= o.semanticOverlap);
    if (match === undefined) kept.push([c, grams]);
    else
      dropped.push({
        artifactId: c.artifactId,
        chunkId: c.id,
        reason: "duplicate",
        detail: `semantic≈${match[0].id}`,
      });
  }
  return kept.map(([c]) => c);
}

/** Share of query terms (over 2 characters) found, weighted with how densely they occur. */
function keywordScore(text: string, query: string): number {
  const terms = new Set(
    query
      .split(/\s+/)
      .filter((t) => t.length > 2)
      .map((t) => t.toLowerCase()),
  );
  if (terms.size === 0) return 0;
  const lower = text.toLowerCase();
  let matches = 0;
  for (const t of terms) if (lower.includes(t)) matches++;
  const density = matches / (utf8Length(text) / 400 + 1);
  return (matches / terms.size) * 0.7 + Math.min(density, 1) * 0.3;
}

function score(chunks: Chunk[], artifacts: readonly Dict[], o: AssembleOptions): void {
  if (o.strategy === "relevance") {
    for (const c of chunks) c.score = keywordScore(c.text, o.query ?? "");
    return;
  }
  if (o.strategy === "round_robin") {
    chunks.forEach((c, i) => {
      c.score = 1 - i * 1e-6;
    });
    return;
  }
  // Recency: a later `created_at` ranks higher; input order breaks ties.
  const created = new Map(
    artifacts.map((a, i) => [str(a, "id") ?? "", [str(a, "created_at") ?? "", i] as const]),
  );
  const ordered = [...new Set(artifacts.map((a) => str(a, "created_at") ?? ""))].sort();
  for (const c of chunks) {
    const [at, input] = created.get(c.artifactId) ?? ["", 0];
    c.score = (ordered.indexOf(at) + 1) / (ordered.length + 1) - input * 1e-9 - c.index * 1e-12;
  }
}

function order(chunks: Chunk[], o: AssembleOptions): Chunk[] {
  if (o.strategy !== "round_robin") {
    return [...chunks].sort(
      (a, b) =>
        b.score - a.score ||
        (a.artifactId < b.artifactId ? -1 : a.artifactId > b.artifactId ? 1 : 0) ||
        a.index - b.index,
    );
  }
  const groups = new Map<string, Chunk[]>();
  for (const c of chunks) groups.set(c.artifactId, [...(groups.get(c.artifactId) ?? []), c]);
  const lists = [...groups.values()].map((g) => g.sort((a, b) => a.index - b.index));
  const out: Chunk[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

function reason(c: Chunk, o: AssembleOptions, included: boolean): Dict {
  return Dict.of({
    chunk_id: c.id,
    artifact_id: c.artifactId,
    strategy: o.strategy,
    score: new HFloat(c.score),
    included,
    reason: included ? "selected" : "budget_exceeded",
  });
}

/** The pack for `artifacts`; `customScores` (by candidate chunk id) replaces relevance scoring. */
export function assembleContext(
  artifacts: readonly Dict[],
  o: AssembleOptions,
  customScores: ReadonlyMap<string, number> | null,
): Assembled {
  const dropped: Exclusion[] = [];
  const deduped = dedupe(candidateChunks(artifacts, o, dropped), o, dropped);
  if (customScores !== null) for (const c of deduped) c.score = customScores.get(c.id) ?? 0;
  else score(deduped, artifacts, o);
  const selected: Chunk[] = [];
  const rejected: Chunk[] = [];
  let used = 0;
  for (const c of order(deduped, o)) {
    if (used + c.tokens > o.budgetTokens) rejected.push(c);
    else {
      used += c.tokens;
      selected.push(c);
    }
  }
  const totals = new Map<string, number>();
  for (const c of [...selected, ...rejected]) totals.set(c.artifactId, (totals.get(c.artifactId) ?? 0) + 1);
  const perArtifact = new Map<string, { kind: string; count: number; tokens: number }>();
  for (const c of selected) {
    const entry = perArtifact.get(c.artifactId) ?? { kind: c.artifactKind, count: 0, tokens: 0 };
    entry.count++;
    entry.tokens += c.tokens;
    perArtifact.set(c.artifactId, entry);
  }
  for (const c of rejected) {
    dropped.push({ artifactId: c.artifactId, chunkId: c.id, reason: "budget_exceeded", detail: null });
  }
  const included = [...perArtifact.keys()].sort().map((id) => {
    const e = perArtifact.get(id)!;
    return Dict.of({
      artifact_id: id,
      artifact_kind: e.kind,
      chunks_included: e.count,
      chunks_total: totals.get(id) ?? 0,
      tokens_included: e.tokens,
    });
  });
  return {
    chunks: selected,
    dropped,
    reasons: [...selected.map((c) => reason(c, o, true)), ...rejected.map((c) => reason(c, o, false))],
    included,
    totalTokens: used,
    options: o,
  };
}
