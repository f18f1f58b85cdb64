// First pass over a template: splits the source into literal text, the
// bodies of `{{ ... }}` directives and verbatim `{{ raw }}` blocks. Comments
// `{{# ... #}}` vanish here. A `-` just inside a delimiter (`{{-`, `-}}`)
// asks the neighbouring text to lose its adjacent whitespace; the lexer only
// records that on the text token, the parser applies it.
//
// Scanning is by UTF-16 index; every delimiter is ASCII, so that is safe,
// and positions reported to users are counted in code points.

import { TemplateError } from "./template-error.ts";

export type TemplateToken =
  | {
      readonly kind: "text";
      readonly text: string;
      /** The next directive opens with `{{-`: drop trailing whitespace and one newline. */
      readonly trimEnd: boolean;
      /** The previous directive closed with `-}}`: drop leading whitespace and one newline. */
      readonly trimStart: boolean;
    }
  | { readonly kind: "directive"; readonly body: string; readonly line: number; readonly col: number }
  | { readonly kind: "raw"; readonly text: string };

/** Splits `src` into tokens; throws `TemplateError` on unterminated constructs. */
export function tokenizeTemplate(src: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let cursor = 0;
  let trimNextStart = false;
  while (cursor < src.length) {
    const open = src.indexOf("{{", cursor);
    const textEnd = open < 0 ? src.length : open;
    const trimStart = trimNextStart;
    trimNextStart = false;
    const trimEnd = open >= 0 && src[open + 2] === "-";
    const text = src.slice(cursor, textEnd);
    if (text !== "" || trimStart || trimEnd) tokens.push({ kind: "text", text, trimEnd, trimStart });
    if (open < 0) break;

    const bodyStart = open + 2 + (trimEnd ? 1 : 0);
    const fail = (reason: string): TemplateError => {
      const [line, col] = lineCol(src, open);
      return new TemplateError(line, col, reason);
    };

    if (src[bodyStart] === "#") {
      const close = src.indexOf("#}}", bodyStart + 1);
      if (close < 0) throw fail("unterminated comment");
      cursor = close + 3;
      continue;
    }

    const rawEnd = rawKeywordEnd(src, bodyStart);
    if (rawEnd !== undefined) {
      const close = src.indexOf("}}", rawEnd);
      if (close < 0) throw fail("unterminated directive");
      const end = findEndRaw(src, close + 2);
      if (end === undefined) throw fail("unterminated `{{ raw }}` block");
      tokens.push({ kind: "raw", text: src.slice(close + 2, end.open) });
      cursor = end.after;
      continue;
    }

    const close = findDirectiveClose(src, bodyStart);
    if (close === undefined) throw fail("unterminated directive");
    const bodyEnd = close.trim ? close.at - 1 : close.at;
    const [line, col] = lineCol(src, open);
    tokens.push({ kind: "directive", body: src.slice(bodyStart, bodyEnd).trim(), line, col });
    cursor = close.at + 2;
    trimNextStart = close.trim;
  }
  return tokens;
}

/** 1-based line and code-point column of UTF-16 offset `offset`. */
export function lineCol(src: string, offset: number): [number, number] {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line++;
      col = 1;
    } else if (c < 0xdc00 || c > 0xdfff) {
      col++; // a low surrogate continues the code point its high half counted
    }
  }
  return [line, col];
}

function skipBlanks(src: string, from: number): number {
  let i = from;
  while (src[i] === " " || src[i] === "\t") i++;
  return i;
}

/** Where the `raw` keyword ends if the directive opening at `bodyStart` is `{{ raw }}`. */
function rawKeywordEnd(src: string, bodyStart: number): number | undefined {
  const start = skipBlanks(src, bodyStart);
  if (!src.startsWith("raw", start)) return undefined;
  const after = start + 3;
  if (after >= src.length) return after;
  const next = src[after];
  const delimited =
    next === " " ||
    next === "\t" ||
    next === "\n" ||
    next === "\r" ||
    src.startsWith("}}", after) ||
    src.startsWith("-}}", after);
  return delimited ? after : undefined;
}

/**
 * The next `}}` at or after `start` that is not inside a quoted string, and
 * whether a `-` trim marker precedes it.
 */
export function findDirectiveClose(src: string, start: number): { at: number; trim: boolean } | undefined {
  let quote: string | undefined;
  for (let i = start; i + 1 < src.length; i++) {
    const c = src[i];
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "}" && src[i + 1] === "}") return { at: i, trim: i > start && src[i - 1] === "-" };
  }
  return undefined;
}

/** The `{{ endraw }}` directive after `from` (trim markers and blanks allowed inside it). */
function findEndRaw(src: string, from: number): { open: number; after: number } | undefined {
  let cursor = from;
  for (;;) {
    const open = src.indexOf("{{", cursor);
    if (open < 0) return undefined;
    const bodyStart = src[open + 2] === "-" ? open + 3 : open + 2;
    const close = findDirectiveClose(src, bodyStart);
    if (close === undefined) return undefined;
    const bodyEnd = close.trim ? close.at - 1 : close.at;
    if (src.slice(bodyStart, bodyEnd).trim() === "endraw") return { open, after: close.at + 2 };
    cursor = close.at + 2;
  }
}
