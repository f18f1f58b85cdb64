// Structural prompt experiments (spec: "structural_experiment"): a
// controlled rewrite of a request's messages and system prompt before it
// goes to the model, recorded in the call's transcript so runs with and
// without it can be compared. The option is a spec string
// (`"prompt_order_permutation(seed: 42)"`), a dict (`{name, label?, ...args}`
// or `{transform: closure, ...}`, what std/experiments builds), a bare
// closure, or nil/false for none; without the option,
// HARN_STRUCTURAL_EXPERIMENT may name one.
//
// The built-in rewrites act on the latest user message whose content is a
// string. Parsing and the built-ins are pure functions over JSON messages;
// running a custom transform is custom-transform.ts.

import { display, typeName } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { type JsonObject, type JsonValue, valueToJson } from "../json.ts";

export type BuiltInExperiment =
  | { readonly kind: "prompt_order_permutation"; readonly seed: bigint }
  | { readonly kind: "doubled_prompt" }
  | { readonly kind: "chain_of_draft" }
  | { readonly kind: "inverted_system" };

export interface StructuralExperiment {
  readonly label: string;
  readonly name: string;
  readonly args: JsonObject;
  readonly handler: BuiltInExperiment | Closure;
}

/** What a call records about the experiment it ran under (the transcript's `structural_experiment`). */
export interface AppliedExperiment {
  readonly label: string;
  readonly name: string;
  readonly args: JsonObject;
  readonly metadata: JsonValue;
}

const fail = (message: string): never => {
  throw thrown(message);
};

/** Parses the option (or, when absent, the environment's spec); null means no experiment. */
export function parseStructuralExperiment(
  option: Value | undefined,
  envSpec: string | undefined,
): StructuralExperiment | null {
  if (option === undefined) {
    const spec = envSpec?.trim() ?? "";
    return spec === "" ? null : parseSpec(spec);
  }
  if (option === null || option === false) return null;
  if (typeof option === "string") return parseSpec(option);
  if (option instanceof Dict) return parseDict(option);
  if (option instanceof Closure) return { label: "custom", name: "custom", args: {}, handler: option };
  return fail(
    `structural_experiment: expected string, dict, closure, nil, or false; got ${typeName(option)}`,
  );
}

const RESERVED = new Set(["label", "name", "experiment", "transform", "handler"]);

function nonBlank(v: Value): string | null {
  if (v === null) return null;
  const text = display(v);
  return text.trim() === "" ? null : text;
}

function parseDict(d: Dict): StructuralExperiment | null {
  const label = nonBlank(d.get("label"));
  const name = nonBlank(d.get("name") ?? d.get("experiment"));
  let args: JsonObject;
  if (d.map.has("args")) {
    const a = valueToJson(d.get("args"));
    args = a !== null && typeof a === "object" && !Array.isArray(a) ? a : {};
  } else {
    args = {};
    for (const [k, v] of d.map) if (!RESERVED.has(k)) args[k] = valueToJson(v);
  }
  const transform = d.get("transform") ?? d.get("handler");
  if (transform instanceof Closure) {
    const resolved = name ?? "custom";
    return { label: label ?? resolved, name: resolved, args, handler: transform };
  }
  if (name === null) return fail("structural_experiment: dict form requires `name` or `transform`");
  return builtIn(name, label, args);
}

function parseSpec(raw: string): StructuralExperiment | null {
  const spec = raw.trim();
  if (spec === "") return null;
  const open = spec.indexOf("(");
  if (open < 0) return builtIn(spec, spec, {});
  const close = spec.lastIndexOf(")");
  if (close < 0) return fail("structural_experiment: missing closing `)`");
  if (close < open) return fail("structural_experiment: invalid argument list");
  return builtIn(spec.slice(0, open).trim(), spec, namedArgs(spec.slice(open + 1, close)));
}

function builtIn(rawName: string, label: string | null, args: JsonObject): StructuralExperiment | null {
  const name = rawName.trim();
  if (name === "") return null;
  let handler: BuiltInExperiment;
  switch (name) {
    case "prompt_order_permutation": {
      const seed = args.seed;
      handler = { kind: name, seed: typeof seed === "number" && Number.isInteger(seed) ? BigInt(seed) : 0n };
      break;
    }
    case "doubled_prompt":
    case "chain_of_draft":
    case "inverted_system":
      handler = { kind: name };
      break;
    default:
      return fail(`unknown structural experiment \`${name}\``);
  }
  return { label: label ?? name, name, args, handler };
}

/** Splits on commas outside double-quoted strings. */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let current = "";
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (inString && ch === "\\" && i + 1 < input.length) {
      current += ch + input[++i];
      continue;
    }
    if (ch === '"') inString = !inString;
    if (ch === "," && !inString) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `seed: 42, tag: "x"` → {seed: 42, tag: "x"}. */
function namedArgs(input: string): JsonObject {
  const out: JsonObject = {};
  for (const part of splitTopLevel(input)) {
    const item = part.trim();
    if (item === "") continue;
    const colon = item.indexOf(":");
    if (colon < 0) fail(`structural_experiment: expected \`name: value\`, got \`${item}\``);
    const key = item.slice(0, colon).trim();
    if (key === "") fail("structural_experiment: empty argument name");
    out[key] = scalar(item.slice(colon + 1).trim());
  }
  return out;
}

function scalar(input: string): JsonValue {
  const lower = input.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "nil" || lower === "null") return null;
  if (/^[+-]?\d+$/.test(input)) return Number(input);
  if (input !== "" && !Number.isNaN(Number(input)) && /^[+-]?[\d.]/.test(input)) return Number(input);
  if (input.length >= 2 && input.startsWith('"') && input.endsWith('"')) {
    try {
      return JSON.parse(input) as string;
    } catch (e) {
      return fail(`structural_experiment: invalid string literal \`${input}\`: ${(e as Error).message}`);
    }
  }
  return fail(`structural_experiment: unsupported argument value \`${input}\``);
}

/** Index of the latest user message whose content is a plain string. */
export function latestStringUserMessage(messages: readonly JsonObject[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user" && typeof m.content === "string") return i;
  }
  return -1;
}

const MASK = (1n << 64n) - 1n;

/** A 64-bit mixing score: sorting sections by it gives a seed-stable shuffle. */
function permuteScore(seed: bigint, index: number): bigint {
  let v = BigInt.asUintN(64, seed) ^ ((BigInt(index + 1) * 0x9e3779b97f4a7c15n) & MASK);
  v = (v * 6364136223846793005n + 1n) & MASK;
  return v ^ (v >> 33n);
}

function permuteSections(content: string, seed: bigint): string {
  const sections = content
    .split("\n\n")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (sections.length < 2) return content;
  const ranked = sections
    .map((text, i) => ({ text, i, score: permuteScore(seed, i) }))
    .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.i - b.i));
  const ordered = ranked.map((r) => r.text);
  // A permutation that happens to be the identity would test nothing.
  if (ordered.join("\n\n") === content) ordered.push(ordered.shift()!);
  return ordered.join("\n\n");
}

const DRAFT_INSTRUCTION =
  "Before the final answer, emit a terse scratch draft inside <draft>...</draft>. After the draft block, provide the final answer outside those tags.";

/** Applies a built-in rewrite; returns the new messages and system prompt. */
export function applyBuiltIn(
  kind: BuiltInExperiment,
  messages: readonly JsonObject[],
  system: string | null,
): { messages: JsonObject[]; system: string | null } {
  const out = [...messages];
  const at = latestStringUserMessage(out);
  if (at < 0) return { messages: out, system };
  const target = out[at]!;
  const content = target.content as string;
  switch (kind.kind) {
    case "prompt_order_permutation":
      out[at] = { ...target, content: permuteSections(content, kind.seed) };
      return { messages: out, system };
    case "doubled_prompt":
      return { messages: [target, ...out, target], system };
    case "chain_of_draft":
      out[at] = { ...target, content: `${content}\n\n${DRAFT_INSTRUCTION}` };
      return { messages: out, system };
    case "inverted_system":
      if (system === null) return { messages: out, system };
      out[at] = { ...target, content: system };
      return { messages: out, system: content };
  }
}
