// String operations with the reference's (Rust `str`) semantics where they
// differ from JavaScript's: whitespace is Unicode `White_Space` (JS `trim`
// also strips U+FEFF), splitting on "" yields empty ends, `lines()` drops a
// trailing "\r", and positions count code points, not UTF-16 units.

import { codePointLength } from "../vm/strings.ts";

const LEADING_SPACE = /^\p{White_Space}+/u;
const TRAILING_SPACE = /\p{White_Space}+$/u;

export function trimStart(s: string): string {
  return s.replace(LEADING_SPACE, "");
}

export function trimEnd(s: string): string {
  return s.replace(TRAILING_SPACE, "");
}

export function trim(s: string): string {
  return trimEnd(trimStart(s));
}

/** `str::split`: an empty separator matches at every character boundary, both ends included. */
export function split(s: string, sep: string): string[] {
  if (sep !== "") return s.split(sep);
  return ["", ...Array.from(s), ""];
}

/** `str::lines`: splits on "\n", strips one trailing "\r" per line, no empty last line. */
export function lines(s: string): string[] {
  if (s === "") return [];
  const parts = s.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((p) => (p.endsWith("\r") ? p.slice(0, -1) : p));
}

/** Code-point index of the first occurrence of `needle`, or -1. */
export function indexOf(s: string, needle: string): number {
  const i = s.indexOf(needle);
  return i < 0 ? -1 : codePointLength(s.slice(0, i));
}

/** Code-point index of the last occurrence of `needle`, or -1. */
export function lastIndexOf(s: string, needle: string): number {
  const i = s.lastIndexOf(needle);
  return i < 0 ? -1 : codePointLength(s.slice(0, i));
}

export function reverse(s: string): string {
  return Array.from(s).reverse().join("");
}

export function uppercaseFirst(s: string): string {
  const first = s.codePointAt(0);
  if (first === undefined) return "";
  const ch = String.fromCodePoint(first);
  return ch.toUpperCase() + s.slice(ch.length);
}

export function lowercaseFirst(s: string): string {
  const first = s.codePointAt(0);
  if (first === undefined) return "";
  const ch = String.fromCodePoint(first);
  return ch.toLowerCase() + s.slice(ch.length);
}

const UPPER = /^\p{Uppercase}$/u;
const LOWER = /^\p{Lowercase}$/u;
const SPACE = /^\p{White_Space}$/u;

/** Splits camelCase / PascalCase into lowercase words (`HTTPServer` → http, server). */
export function splitCamel(s: string): string[] {
  const chars = Array.from(s);
  const words: string[] = [];
  let cur = "";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (i > 0 && UPPER.test(c)) {
      const prev = chars[i - 1]!;
      const next = chars[i + 1];
      const prevLowerOrDigit = LOWER.test(prev) || (prev >= "0" && prev <= "9");
      const acronymEnd = UPPER.test(prev) && next !== undefined && LOWER.test(next);
      if ((prevLowerOrDigit || acronymEnd) && cur !== "") {
        words.push(cur);
        cur = "";
      }
    }
    cur += c.toLowerCase();
  }
  if (cur !== "") words.push(cur);
  return words;
}

export function splitOn(s: string, sep: string): string[] {
  return s.split(sep).filter((p) => p !== "");
}

export function wordsToCamel(words: readonly string[]): string {
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : uppercaseFirst(w.toLowerCase()))).join("");
}

export function wordsToPascal(words: readonly string[]): string {
  return words.map((w) => uppercaseFirst(w.toLowerCase())).join("");
}

export function wordsJoined(words: readonly string[], sep: string): string {
  return words.map((w) => w.toLowerCase()).join(sep);
}

/** Uppercases the first character of each whitespace-separated word, lowercases the rest. */
export function titleCase(s: string): string {
  let out = "";
  let atStart = true;
  for (const c of s) {
    if (SPACE.test(c)) {
      atStart = true;
      out += c;
    } else if (atStart) {
      out += c.toUpperCase();
      atStart = false;
    } else out += c.toLowerCase();
  }
  return out;
}

/** Graphemes (extended grapheme clusters) of `s`. */
export function graphemes(s: string): string[] {
  const seg = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(seg.segment(s), (x) => x.segment);
}
