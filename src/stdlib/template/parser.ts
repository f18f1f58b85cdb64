// Second pass: turns the token stream into a tree of text, interpolations,
// `if`/`elif`/`else`, `for ... in`/`else`, and `include ... with {...}`
// blocks, all closed by `{{ end }}`. Whitespace-trim markers recorded by the
// lexer are applied to the text tokens here. A directive that is a bare
// identifier becomes a `bare` node, which keeps the pre-v2 behaviour of
// printing `{{name}}` verbatim when `name` is unbound.

import type { IfBranch, TemplateExpr, TemplateNode } from "./ast.ts";
import { parseTemplateExpr } from "./expr-parser.ts";
import { type TemplateToken, tokenizeTemplate } from "./lexer.ts";
import { TemplateError } from "./template-error.ts";

/** Parses a whole template; throws `TemplateError` on malformed input. */
export function parseTemplate(src: string): TemplateNode[] {
  return new TemplateParser(tokenizeTemplate(src)).parseBlock([]);
}

type Directive = Extract<TemplateToken, { kind: "directive" }>;

class TemplateParser {
  private pos = 0;
  constructor(private readonly tokens: readonly TemplateToken[]) {}

  /** Nodes up to (not including) a directive whose first word is in `stops`, or the end. */
  parseBlock(stops: readonly string[]): TemplateNode[] {
    const out: TemplateNode[] = [];
    for (let tok = this.tokens[this.pos]; tok !== undefined; tok = this.tokens[this.pos]) {
      if (tok.kind === "directive" && stops.includes(firstWord(tok.body))) return out;
      this.pos++;
      if (tok.kind === "text") {
        let text = tok.text;
        if (tok.trimStart) text = trimLeadingLine(text);
        if (tok.trimEnd) text = trimTrailingLine(text);
        if (text !== "") out.push({ kind: "text", text });
      } else if (tok.kind === "raw") {
        if (tok.text !== "") out.push({ kind: "text", text: tok.text });
      } else {
        out.push(this.parseDirective(tok));
      }
    }
    return out;
  }

  private parseDirective(tok: Directive): TemplateNode {
    const { body, line, col } = tok;
    const word = firstWord(body);
    // A closer that no open block is waiting for.
    const stray = body === "end" || body === "else" ? body : word === "elif" ? word : undefined;
    if (stray !== undefined) throw new TemplateError(line, col, `unexpected \`{{ ${stray} }}\``);
    if (word === "if") return this.parseIf(parseTemplateExpr(body.slice(2).trim(), line, col), line, col);
    if (word === "for") return this.parseFor(body.slice(3).trim(), line, col);
    if (word === "include") return parseInclude(body.slice(7).trim(), line, col);
    if (isIdent(body)) return { kind: "bare", name: body };
    return { kind: "expr", expr: parseTemplateExpr(body, line, col), line, col };
  }

  /** The directive at the cursor, consumed, if there is one. */
  private takeDirective(): Directive | undefined {
    const tok = this.tokens[this.pos];
    if (tok?.kind !== "directive") return undefined;
    this.pos++;
    return tok;
  }

  /** After an `{{ else }}` body: the exact `{{ end }}` that must close it. */
  private expectEnd(line: number, col: number): void {
    const tok = this.tokens[this.pos];
    if (tok?.kind !== "directive" || tok.body !== "end") {
      throw new TemplateError(line, col, "`{{ else }}` missing matching `{{ end }}`");
    }
    this.pos++;
  }

  private parseIf(first: TemplateExpr, line: number, col: number): TemplateNode {
    const branches: IfBranch[] = [];
    let cond = first;
    for (;;) {
      branches.push({ cond, body: this.parseBlock(["end", "else", "elif"]) });
      const stop = this.takeDirective();
      if (stop === undefined) throw new TemplateError(line, col, "`{{ if }}` missing matching `{{ end }}`");
      const word = firstWord(stop.body);
      if (word === "end") return { kind: "if", branches, otherwise: undefined, line, col };
      if (word === "else") {
        const otherwise = this.parseBlock(["end"]);
        this.expectEnd(stop.line, stop.col);
        return { kind: "if", branches, otherwise, line, col };
      }
      cond = parseTemplateExpr(stop.body.slice(4).trim(), stop.line, stop.col);
    }
  }

  private parseFor(spec: string, line: number, col: number): TemplateNode {
    const split = splitOnKeyword(spec, " in ");
    if (split === undefined) throw new TemplateError(line, col, "expected `in` in for-loop");
    const head = split[0].trim();
    let valueVar = head;
    let keyVar: string | undefined;
    const comma = head.indexOf(",");
    if (comma >= 0) {
      keyVar = head.slice(0, comma).trim();
      valueVar = head.slice(comma + 1).trim();
      if (!isIdent(keyVar) || !isIdent(valueVar))
        throw new TemplateError(line, col, "invalid for-loop variables");
    } else if (!isIdent(head)) {
      throw new TemplateError(line, col, "invalid for-loop variable");
    }
    const iterable = parseTemplateExpr(split[1].trim(), line, col);
    const body = this.parseBlock(["end", "else"]);
    const stop = this.takeDirective();
    if (stop === undefined) throw new TemplateError(line, col, "`{{ for }}` missing matching `{{ end }}`");
    let empty: TemplateNode[] | undefined;
    if (firstWord(stop.body) === "else") {
      empty = this.parseBlock(["end"]);
      this.expectEnd(line, col);
    }
    return { kind: "for", valueVar, keyVar, iterable, body, empty, line, col };
  }
}

function parseInclude(spec: string, line: number, col: number): TemplateNode {
  const split = splitOnKeyword(spec, " with ");
  const path = parseTemplateExpr((split?.[0] ?? spec).trim(), line, col);
  if (split === undefined) return { kind: "include", path, with: undefined, line, col };
  return { kind: "include", path, with: parseBindings(split[1].trim(), line, col), line, col };
}

/** The `{ key: expr, ... }` after `include ... with`. */
function parseBindings(src: string, line: number, col: number): [string, TemplateExpr][] {
  if (!src.startsWith("{") || !src.endsWith("}")) {
    throw new TemplateError(line, col, "expected `{ ... }` after `with`");
  }
  const pairs: [string, TemplateExpr][] = [];
  for (const chunk of splitTopLevel(src.slice(1, -1), ",")) {
    if (chunk.trim() === "") continue;
    const parts = splitTopLevel(chunk, ":", 1);
    if (parts.length < 2) throw new TemplateError(line, col, "expected `key: value` in include bindings");
    const key = parts[0]!.trim();
    if (!isIdent(key)) throw new TemplateError(line, col, "invalid include binding key");
    pairs.push([key, parseTemplateExpr(parts[1]!.trim(), line, col)]);
  }
  return pairs;
}

function firstWord(s: string): string {
  return s.split(/\s/, 1)[0] ?? "";
}

/** A Unicode identifier: a letter or `_`, then letters, digits or `_`. */
export function isIdent(s: string): boolean {
  return /^[\p{Alphabetic}_][\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_]*$/u.test(s);
}

/** Drops leading blanks and, if they end a line, that newline (`-}}`). */
function trimLeadingLine(s: string): string {
  const i = s.length - s.replace(/^[ \t]*/, "").length;
  if (s[i] === "\n") return s.slice(i + 1);
  if (s[i] === "\r") return s.slice(s[i + 1] === "\n" ? i + 2 : i + 1);
  return s.slice(i);
}

/** Drops trailing blanks and, if they start the line, the newline before them (`{{-`). */
function trimTrailingLine(s: string): string {
  let end = s.replace(/[ \t]*$/, "").length;
  if (s[end - 1] !== "\n") return s.slice(0, end);
  end--;
  if (s[end - 1] === "\r") end--;
  return s.slice(0, end);
}

/**
 * Splits `s` at `delim` outside quotes and brackets, at most `limit` times.
 * `splitOnKeyword` is the same scan looking for a multi-character keyword.
 */
function splitTopLevel(s: string, delim: string, limit = Number.POSITIVE_INFINITY): string[] {
  const parts: string[] = [];
  let start = 0;
  scanTopLevel(s, (i) => {
    if (parts.length >= limit || !s.startsWith(delim, i)) return false;
    parts.push(s.slice(start, i));
    start = i + delim.length;
    return parts.length >= limit;
  });
  parts.push(s.slice(start));
  return parts;
}

function splitOnKeyword(s: string, keyword: string): [string, string] | undefined {
  const parts = splitTopLevel(s, keyword, 1);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : undefined;
}

/** Calls `visit` at each index outside strings and brackets until it returns true. */
function scanTopLevel(s: string, visit: (i: number) => boolean): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "(" || c === "[" || c === "{") {
      depth++;
    } else if (c === ")" || c === "]" || c === "}") {
      depth--;
    } else if (depth === 0 && visit(i)) {
      return;
    }
  }
}
