// Choosing which skills an agent loop activates (spec: "Skills: lifecycle").
// The default "metadata" strategy scores each skill the model may invoke:
// prompt words (longer than two characters) found in its description or
// when_to_use, saturated so a short precise card is not outweighed by a
// verbose one; a large bonus when the prompt names the skill; and a bonus
// per `paths` glob matching a working file. The loop activates the top
// `top_n` positive scores, and with `sticky: false` re-runs the match
// before every turn. "host"/"embedding" strategies are answered by the
// host; this module only shapes their input and output.

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { fieldText, skillEntries } from "./registry.ts";

export type SkillMatchStrategy = "metadata" | "host" | "embedding";

export interface SkillMatchConfig {
  readonly strategy: SkillMatchStrategy;
  readonly topN: number;
  /** Once active, a skill stays active (no reassessment). */
  readonly sticky: boolean;
}

export interface SkillCandidate {
  readonly name: string;
  readonly score: number;
  readonly reason: string;
}

/** `skill_match: {strategy, top_n, sticky}`; unknown strategies read as "metadata". */
export function parseSkillMatchConfig(v: Value | undefined): SkillMatchConfig {
  const d = v instanceof Dict ? v : new Dict();
  const s = d.map.has("strategy") ? display(d.get("strategy")) : "metadata";
  const n = d.get("top_n");
  return {
    strategy: s === "host" || s === "embedding" ? s : "metadata",
    topN: typeof n === "number" ? Math.max(1, n) : 1,
    sticky: d.map.has("sticky") ? d.get("sticky") === true : true,
  };
}

/** Skills marked `disable-model-invocation` are never matched (only loaded on explicit request). */
export function isDisabledForModel(entry: Dict): boolean {
  const v = entry.map.get("disable-model-invocation") ?? entry.map.get("disable_model_invocation");
  return v === true;
}

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => display(x)) : [];
}

/** `*` within a path segment, `**` across segments, `?` one character. */
export function skillGlobMatch(pattern: string, path: string): boolean {
  const go = (pi: number, si: number): boolean => {
    while (pi < pattern.length) {
      const c = pattern[pi]!;
      if (c === "*") {
        const double = pattern[pi + 1] === "*";
        let next = double ? pi + 2 : pi + 1;
        if (double && pattern[next] === "/") next++;
        if (next >= pattern.length) return double || !path.slice(si).includes("/");
        for (let at = si; at <= path.length; at++) {
          if (!double && path.slice(si, at).includes("/")) break;
          if (go(next, at)) return true;
        }
        return false;
      }
      if (si >= path.length || (c === "?" ? path[si] === "/" : path[si] !== c)) return false;
      pi++;
      si++;
    }
    return si === path.length;
  };
  return go(0, 0);
}

function termHits(terms: readonly string[], text: string): number {
  if (terms.length === 0 || text === "") return 0;
  const lower = text.toLowerCase();
  return terms.filter((t) => lower.includes(t)).length;
}

/** Metadata scores of every matchable skill with a positive score, best first (stable). */
export function scoreSkills(
  registry: Value,
  prompt: string,
  workingFiles: readonly string[],
): SkillCandidate[] {
  const terms = prompt
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => new TextEncoder().encode(t).length > 2)
    .map((t) => t.toLowerCase());
  const out: SkillCandidate[] = [];
  for (const entry of skillEntries(registry)) {
    if (isDisabledForModel(entry)) continue;
    const name = fieldText(entry, "name");
    let score = 0;
    const reasons: string[] = [];
    const hits =
      termHits(terms, fieldText(entry, "description")) + termHits(terms, fieldText(entry, "when_to_use"));
    if (hits > 0) {
      score += hits / (hits + 1.5);
      reasons.push(`${hits} keyword hit(s)`);
    }
    if (name !== "" && prompt.toLowerCase().includes(name.toLowerCase())) {
      score += 2;
      reasons.push(`prompt mentions '${name}'`);
    }
    const pathHits = strings(entry.map.get("paths")).filter((p) =>
      workingFiles.some((f) => skillGlobMatch(p, f)),
    ).length;
    if (pathHits > 0) {
      score += 1.5 * pathHits;
      reasons.push(`${pathHits} path glob(s) matched`);
    }
    if (score > 0) out.push({ name, score, reason: reasons.join("; ") });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** The names to activate: the best `topN` (host strategies may activate zero-score picks). */
export function pickSkills(ranked: readonly SkillCandidate[], config: SkillMatchConfig): string[] {
  return ranked
    .filter((c) => c.score > 0 || config.strategy !== "metadata")
    .slice(0, Math.max(1, config.topN))
    .map((c) => c.name);
}

/** What a host matcher receives for each skill. */
export function hostMatchCandidates(registry: Value): Dict[] {
  return skillEntries(registry).map((e) =>
    Dict.of({
      name: fieldText(e, "name"),
      description: fieldText(e, "description"),
      when_to_use: fieldText(e, "when_to_use"),
      paths: strings(e.map.get("paths")),
    }),
  );
}
