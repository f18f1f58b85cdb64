// Expressions inside directives: literals, paths (`a.b[0]["k"]`), `not`/`!`,
// one comparison, `and`/`&&`, `or`/`||`, parentheses, and filter pipelines
// `expr | name: arg, arg`. Precedence, loosest first: filter pipe, or, and,
// not, comparison (non-associative), primary. Errors point at the directive
// that holds the expression, not at a column inside it.

import { HFloat, type Value } from "../../vm/values.ts";
import { parseIntLiteral } from "../../vm/numbers.ts";
import type { CompareOp, PathSegment, TemplateExpr } from "./ast.ts";
import { TemplateError } from "./template-error.ts";

type Punct = "(" | ")" | "[" | "]" | "." | "," | ":" | "|" | "!";
type ExprToken =
  | { readonly kind: "ident"; readonly name: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: Value; readonly text: string }
  | { readonly kind: "punct"; readonly text: Punct }
  | { readonly kind: "op"; readonly op: CompareOp }
  | { readonly kind: "keyword"; readonly word: "and" | "or" | "not" | "true" | "false" | "nil" };

/** Parses the text of one directive as an expression. */
export function parseTemplateExpr(src: string, line: number, col: number): TemplateExpr {
  const parser = new ExprParser(tokenizeExpr(src, line, col), line, col);
  const expr = parser.parsePipeline();
  const extra = parser.peek();
  if (extra !== undefined)
    throw new TemplateError(line, col, `unexpected token \`${describe(extra)}\` in expression`);
  return expr;
}

const PUNCT = new Set<string>(["(", ")", "[", "]", ".", ",", ":"]);
const KEYWORDS = new Set(["and", "or", "not", "true", "false", "nil"]);

function tokenizeExpr(src: string, line: number, col: number): ExprToken[] {
  const fail = (reason: string): TemplateError => new TemplateError(line, col, reason);
  const tokens: ExprToken[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: "punct", text: c as Punct });
      i++;
    } else if (c === "|" || c === "&") {
      if (next === c) {
        tokens.push({ kind: "keyword", word: c === "|" ? "or" : "and" });
        i += 2;
      } else if (c === "|") {
        tokens.push({ kind: "punct", text: "|" });
        i++;
      } else {
        throw fail("unexpected `&`");
      }
    } else if (c === "!" || c === "=" || c === "<" || c === ">") {
      if (next === "=") {
        tokens.push({ kind: "op", op: `${c === "=" ? "=" : c}=` as CompareOp });
        i += 2;
      } else if (c === "=") {
        throw fail("unexpected `=` (use `==`)");
      } else {
        tokens.push(c === "!" ? { kind: "punct", text: "!" } : { kind: "op", op: c as CompareOp });
        i++;
      }
    } else if (c === '"' || c === "'") {
      const [value, end] = readString(src, i, fail);
      tokens.push({ kind: "string", value });
      i = end;
    } else if (isDigit(c) || (c === "-" && isDigit(next))) {
      const [token, end] = readNumber(src, i, fail);
      tokens.push(token);
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let end = i + 1;
      while (end < src.length && /[A-Za-z0-9_]/.test(src[end]!)) end++;
      const word = src.slice(i, end);
      tokens.push(
        KEYWORDS.has(word)
          ? { kind: "keyword", word: word as "and" | "or" | "not" | "true" | "false" | "nil" }
          : { kind: "ident", name: word },
      );
      i = end;
    } else {
      throw fail(`unexpected character \`${String.fromCodePoint(src.codePointAt(i)!)}\` in expression`);
    }
  }
  return tokens;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

/** A quoted literal starting at `start`; an unknown escape keeps just the escaped character. */
function readString(src: string, start: number, fail: (r: string) => TemplateError): [string, number] {
  const quote = src[start];
  let out = "";
  let j = start + 1;
  while (j < src.length && src[j] !== quote) {
    if (src[j] === "\\" && j + 1 < src.length) {
      const e = src[j + 1]!;
      out += ESCAPES[e] ?? e;
      j += 2;
    } else {
      out += src[j];
      j++;
    }
  }
  if (j >= src.length) throw fail("unterminated string literal");
  return [out, j + 1];
}

/** An int or float literal (optionally negative); a `.` counts only when a digit follows. */
function readNumber(src: string, start: number, fail: (r: string) => TemplateError): [ExprToken, number] {
  let i = src[start] === "-" ? start + 1 : start;
  let isFloat = false;
  while (i < src.length) {
    if (isDigit(src[i])) i++;
    else if (src[i] === "." && isDigit(src[i + 1])) {
      isFloat = true;
      i++;
    } else break;
  }
  const text = src.slice(start, i);
  if (isFloat) {
    const v = Number(text);
    if (Number.isNaN(v)) throw fail(`invalid number \`${text}\``);
    return [{ kind: "number", value: new HFloat(v), text }, i];
  }
  const v = parseIntLiteral(text);
  if (v === null) throw fail(`invalid integer \`${text}\``);
  return [{ kind: "number", value: v, text }, i];
}

/** How a token is named in error messages. */
function describe(t: ExprToken): string {
  switch (t.kind) {
    case "ident":
      return t.name;
    case "string":
      return JSON.stringify(t.value);
    case "number":
      return t.text;
    case "punct":
      return t.text;
    case "op":
      return t.op;
    case "keyword":
      return t.word;
  }
}

class ExprParser {
  private pos = 0;
  constructor(
    private readonly tokens: readonly ExprToken[],
    private readonly line: number,
    private readonly col: number,
  ) {}

  peek(): ExprToken | undefined {
    return this.tokens[this.pos];
  }

  private fail(reason: string): TemplateError {
    return new TemplateError(this.line, this.col, reason);
  }

  private eatPunct(text: Punct): boolean {
    const t = this.peek();
    if (t?.kind === "punct" && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }

  private eatKeyword(word: "and" | "or" | "not"): boolean {
    const t = this.peek();
    if (t?.kind === "keyword" && t.word === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  parsePipeline(): TemplateExpr {
    let expr = this.parseOr();
    while (this.eatPunct("|")) {
      const t = this.peek();
      if (t?.kind !== "ident") throw this.fail("expected filter name after `|`");
      this.pos++;
      const args: TemplateExpr[] = [];
      if (this.eatPunct(":")) {
        do args.push(this.parseOr());
        while (this.eatPunct(","));
      }
      expr = { kind: "filter", input: expr, name: t.name, args };
    }
    return expr;
  }

  private parseOr(): TemplateExpr {
    let left = this.parseAnd();
    while (this.eatKeyword("or")) left = { kind: "or", left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): TemplateExpr {
    let left = this.parseNot();
    while (this.eatKeyword("and")) left = { kind: "and", left, right: this.parseNot() };
    return left;
  }

  private parseNot(): TemplateExpr {
    if (this.eatPunct("!") || this.eatKeyword("not")) return { kind: "not", operand: this.parseNot() };
    const left = this.parsePrimary();
    const t = this.peek();
    if (t?.kind !== "op") return left;
    this.pos++;
    return { kind: "compare", op: t.op, left, right: this.parsePrimary() };
  }

  private parsePrimary(): TemplateExpr {
    const t = this.peek();
    if (t === undefined) throw this.fail("expected expression");
    this.pos++;
    switch (t.kind) {
      case "string":
        return { kind: "literal", value: t.value };
      case "number":
        return { kind: "literal", value: t.value };
      case "ident":
        return this.parsePath(t.name);
      case "keyword":
        if (t.word === "true" || t.word === "false") return { kind: "literal", value: t.word === "true" };
        if (t.word === "nil") return { kind: "literal", value: null };
        if (t.word === "not") return { kind: "not", operand: this.parsePrimary() };
        break;
      case "punct":
        if (t.text === "!") return { kind: "not", operand: this.parsePrimary() };
        if (t.text === "(") {
          const inner = this.parseOr();
          if (!this.eatPunct(")")) throw this.fail("expected `)`");
          return inner;
        }
        break;
      case "op":
        break;
    }
    throw this.fail(`unexpected token \`${describe(t)}\``);
  }

  private parsePath(head: string): TemplateExpr {
    const segments: PathSegment[] = [];
    for (;;) {
      if (this.eatPunct(".")) {
        const t = this.peek();
        if (t?.kind !== "ident") throw this.fail("expected identifier after `.`");
        this.pos++;
        segments.push({ kind: "field", name: t.name });
      } else if (this.eatPunct("[")) {
        const t = this.peek();
        if (t?.kind === "number" && typeof t.value === "number")
          segments.push({ kind: "index", index: t.value });
        else if (t?.kind === "string") segments.push({ kind: "key", key: t.value });
        else throw this.fail("expected integer or string inside `[...]`");
        this.pos++;
        if (!this.eatPunct("]")) throw this.fail("expected `]`");
      } else {
        return { kind: "path", head, segments };
      }
    }
  }
}
