// The in-process tool search behind client-mode `tool_search` (spec:
// "Tool search"): a corpus of deferred tools (name, description, parameter
// names and descriptions, `mcp:<server>` tags) ranked by BM25 over
// lower-cased alphanumeric tokens, or by the number of case-insensitive
// regex matches (RE2 syntax, like the reference's Rust `regex`: no
// lookaround or backreferences). Ties break by name so results are stable.

import { RE2JS } from "re2js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";

export interface ToolCandidate {
  readonly name: string;
  readonly description: string;
  /** `name` or `name: description` per top-level parameter. */
  readonly paramText: readonly string[];
  readonly tags: readonly string[];
}

export interface SearchOutcome {
  /** Tool names to promote, best first. */
  readonly toolNames: readonly string[];
  /** Shown to the model when nothing (useful) matched. */
  readonly diagnostic: string | null;
}

/** At most this many tools come back from one search. */
export const MAX_SEARCH_RESULTS = 20;

const K1 = 1.5;
const B = 0.75;

export function emptyOutcome(diagnostic: string): SearchOutcome {
  return { toolNames: [], diagnostic };
}

/** The `{tool_names, diagnostic?}` payload the model sees as the search tool's result. */
export function outcomeJson(o: SearchOutcome): JsonObject {
  return o.diagnostic === null
    ? { tool_names: [...o.toolNames] }
    : { diagnostic: o.diagnostic, tool_names: [...o.toolNames] };
}

function paramText(schema: JsonValue | undefined): string[] {
  const props = isJsonObject(schema) && isJsonObject(schema.properties) ? schema.properties : {};
  return Object.entries(props).map(([name, p]) => {
    const d = isJsonObject(p) && typeof p.description === "string" ? p.description : "";
    return d === "" ? name : `${name}: ${d}`;
  });
}

/** A candidate from a provider-shaped tool (Anthropic `{name, input_schema}` or OpenAI `{type, function}`). */
export function candidateFromNative(tool: JsonObject): ToolCandidate | null {
  const fn = tool.type === undefined ? tool : isJsonObject(tool.function) ? tool.function : null;
  if (fn === null || typeof fn.name !== "string") return null;
  const server = tool._mcp_server ?? fn._mcp_server;
  return {
    name: fn.name,
    description: typeof fn.description === "string" ? fn.description : "",
    paramText: paramText(tool.type === undefined ? fn.input_schema : fn.parameters),
    tags: typeof server === "string" ? [`mcp:${server}`, server] : [],
  };
}

function corpusText(c: ToolCandidate): string {
  return [c.name, c.description, ...c.paramText, ...c.tags].join(" ");
}

/** Lower-cased runs of letters and digits. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function byScoreThenName(candidates: readonly ToolCandidate[]) {
  return (a: [number, number], b: [number, number]): number =>
    b[1] - a[1] ||
    (candidates[a[0]]!.name < candidates[b[0]]!.name
      ? -1
      : candidates[a[0]]!.name > candidates[b[0]]!.name
        ? 1
        : 0);
}

export function bm25Search(query: string, candidates: readonly ToolCandidate[], max: number): SearchOutcome {
  if (candidates.length === 0) return emptyOutcome("no candidate tools in the index");
  const terms = tokenize(query);
  if (terms.length === 0)
    return emptyOutcome("empty query after tokenization; use alphanumeric search terms");
  const docs = candidates.map((c) => tokenize(corpusText(c)));
  const n = docs.length;
  const avgdl = docs.reduce((s, d) => s + d.length, 0) / Math.max(n, 1);
  const df = new Map<string, number>();
  for (const t of terms) if (!df.has(t)) df.set(t, docs.filter((d) => d.includes(t)).length);
  const scored: [number, number][] = [];
  docs.forEach((doc, i) => {
    const counts = new Map<string, number>();
    for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
    let score = 0;
    for (const t of terms) {
      const nq = df.get(t) ?? 0;
      const f = counts.get(t) ?? 0;
      if (nq === 0 || f === 0) continue;
      const idf = Math.log((n - nq + 0.5) / (nq + 0.5) + 1);
      const norm = 1 - B + B * (doc.length / Math.max(avgdl, 1e-9));
      score += idf * ((f * (K1 + 1)) / (f + K1 * norm));
    }
    if (score > 0) scored.push([i, score]);
  });
  scored.sort(byScoreThenName(candidates));
  const names = scored.slice(0, max).map(([i]) => candidates[i]!.name);
  return names.length === 0
    ? emptyOutcome("no tools matched your BM25 query; try shorter or more generic terms")
    : { toolNames: names, diagnostic: null };
}

export function regexSearch(
  pattern: string,
  candidates: readonly ToolCandidate[],
  max: number,
): SearchOutcome {
  if (candidates.length === 0) return emptyOutcome("no candidate tools in the index");
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    return emptyOutcome(
      `regex compile error: ${e instanceof Error ? e.message : String(e)}. Anthropic's regex variant accepts Python-style patterns; the runtime uses RE2 syntax (no backreferences, no lookaround). Use \`|\` for alternation.`,
    );
  }
  const scored: [number, number][] = [];
  candidates.forEach((c, i) => {
    const text = corpusText(c);
    const m = re.matcher(text);
    let count = 0;
    let pos = 0;
    while (pos <= text.length && m.find(pos)) {
      count++;
      // An empty match must still advance.
      pos = m.end() > m.start() ? m.end() : m.end() + 1;
    }
    if (count > 0) scored.push([i, count]);
  });
  scored.sort(byScoreThenName(candidates));
  const names = scored.slice(0, max).map(([i]) => candidates[i]!.name);
  return names.length === 0
    ? emptyOutcome("no tools matched your regex; widen the alternation or relax quantifiers")
    : { toolNames: names, diagnostic: null };
}

/** Runs an in-process strategy on a query. */
export function searchTools(
  strategy: "bm25" | "regex",
  query: string,
  candidates: readonly ToolCandidate[],
  max = MAX_SEARCH_RESULTS,
): SearchOutcome {
  const q = query.trim();
  if (q === "") return emptyOutcome("empty query; specify search terms or a regex pattern");
  return strategy === "bm25" ? bm25Search(q, candidates, max) : regexSearch(q, candidates, max);
}
