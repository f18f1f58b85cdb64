// Dedent rules for triple-quoted strings: drop the common leading
// indentation of non-blank lines and one trailing newline. With
// interpolation the indent is computed over all literal text together and
// stripped from each literal piece, so `${...}` boundaries do not produce
// uneven dedenting (the reference lexer's rule).

import type { StringSegment } from "./tokens.ts";

function leadingWhitespace(line: string): number {
  let n = 0;
  while (n < line.length && (line[n] === " " || line[n] === "\t")) n++;
  return n;
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

function commonIndent(text: string): number {
  let min = Number.POSITIVE_INFINITY;
  for (const line of text.split("\n")) {
    if (!isBlank(line)) min = Math.min(min, leadingWhitespace(line));
  }
  return min === Number.POSITIVE_INFINITY ? 0 : min;
}

function dropTrailingNewline(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

function stripIndent(text: string, n: number): string {
  const lines = text
    .split("\n")
    .map((line) => (isBlank(line) ? "" : line.slice(Math.min(n, leadingWhitespace(line)))));
  return dropTrailingNewline(lines.join("\n"));
}

/** Dedent a triple-quoted string without interpolation. */
export function stripCommonIndent(text: string): string {
  const lines = text.split("\n");
  if (lines.every(isBlank)) return text;
  const indent = commonIndent(text);
  if (indent === 0) return dropTrailingNewline(text);
  return stripIndent(text, indent);
}

/** Dedent the literal pieces of an interpolated triple-quoted string. */
export function dedentSegments(segments: StringSegment[]): StringSegment[] {
  const literal = segments.map((s) => (s.kind === "lit" ? s.text : "")).join("");
  const indent = commonIndent(literal);
  if (indent > 0) {
    return segments.map((s) => (s.kind === "lit" ? { kind: "lit", text: stripIndent(s.text, indent) } : s));
  }
  const last = segments[segments.length - 1];
  if (last?.kind === "lit" && isBlank(last.text)) return segments.slice(0, -1);
  return segments;
}
