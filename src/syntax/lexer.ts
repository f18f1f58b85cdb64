// The lexer: source text to tokens. Newlines are tokens (they separate
// statements); comments and other whitespace are dropped. Columns count
// code points. The edge cases (duration suffixes, `42.method`, triple-quoted
// dedent, interpolation segments) follow the reference lexer's behaviour so
// that everything the reference accepts lexes the same way here.

import { type Diagnostic, errorDiagnostic } from "../diagnostics/diagnostic.ts";
import { Code, messages } from "../diagnostics/messages.ts";
import { type Span, span } from "../diagnostics/span.ts";
import { parseIntLiteral } from "./literals.ts";
import { dedentSegments, stripCommonIndent } from "./multiline.ts";
import { KEYWORDS, type StringSegment, T, type Token } from "./tokens.ts";

export interface LexResult {
  readonly tokens: Token[];
  readonly error?: Diagnostic;
}

const ALPHA = /\p{Alphabetic}/u;
const ALNUM = /[\p{Alphabetic}\p{N}]/u;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isIdentStart(c: string): boolean {
  if (c.length === 1 && c.charCodeAt(0) < 128) {
    return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
  }
  return ALPHA.test(c);
}

function isIdentPart(c: string | undefined): boolean {
  if (c === undefined) return false;
  if (c.length === 1 && c.charCodeAt(0) < 128) {
    return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === "_";
  }
  return ALNUM.test(c);
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && c !== "_" && isIdentPart(c);
}

class LexError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const TWO_CHAR: Record<string, T> = {
  "==": T.Eq,
  "!=": T.Neq,
  "&&": T.And,
  "||": T.Or,
  "|>": T.Pipe,
  "??": T.NilCoal,
  "**": T.Pow,
  "?.": T.QuestionDot,
  "->": T.Arrow,
  "-=": T.MinusAssign,
  "+=": T.PlusAssign,
  "*=": T.StarAssign,
  "/=": T.SlashAssign,
  "%=": T.PercentAssign,
  "<=": T.Lte,
  ">=": T.Gte,
};

const ONE_CHAR: Record<string, T> = {
  "{": T.LBrace,
  "}": T.RBrace,
  "(": T.LParen,
  ")": T.RParen,
  "[": T.LBracket,
  "]": T.RBracket,
  ",": T.Comma,
  ":": T.Colon,
  ";": T.Semicolon,
  ".": T.Dot,
  "=": T.Assign,
  "!": T.Not,
  "+": T.Plus,
  "-": T.Minus,
  "*": T.Star,
  "/": T.Slash,
  "%": T.Percent,
  "<": T.Lt,
  ">": T.Gt,
  "?": T.Question,
  "|": T.Bar,
  "@": T.At,
};

const DURATION_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Tokenize `source`. On a lexical error, returns the tokens so far and the error. */
export function lex(source: string, startLine = 1, startCol = 1, startOffset = 0): LexResult {
  const lexer = new Lexer(source, startLine, startCol, startOffset);
  try {
    lexer.run();
    return { tokens: lexer.tokens };
  } catch (e) {
    if (e instanceof LexError) return { tokens: lexer.tokens, error: e.diagnostic };
    throw e;
  }
}

class Lexer {
  readonly tokens: Token[] = [];
  /** Code points of the source (so lookahead is by character, not UTF-16 unit). */
  private readonly chars: string[];
  /** UTF-16 offset of each code point (plus one past the end). */
  private readonly offsets: number[];
  private pos = 0;
  private line: number;
  private col: number;

  constructor(
    source: string,
    line: number,
    col: number,
    private readonly base: number,
  ) {
    this.chars = Array.from(source);
    this.offsets = new Array<number>(this.chars.length + 1);
    let off = 0;
    for (let i = 0; i < this.chars.length; i++) {
      this.offsets[i] = off;
      off += this.chars[i]!.length;
    }
    this.offsets[this.chars.length] = off;
    this.line = line;
    this.col = col;
  }

  private offset(i = this.pos): number {
    return this.base + (this.offsets[Math.min(i, this.chars.length)] ?? 0);
  }

  private advance(): void {
    this.pos++;
    this.col++;
  }

  private newline(): void {
    this.pos++;
    this.line++;
    this.col = 1;
  }

  private fail(code: Code, message: string, at: Span): never {
    throw new LexError(errorDiagnostic(code, message, at));
  }

  private push(kind: T, startPos: number, line: number, col: number, extra?: Partial<Token>): void {
    const sp = span(this.offset(startPos), this.offset(), line, col, this.line);
    this.tokens.push(extra ? { kind, span: sp, ...extra } : { kind, span: sp });
  }

  run(): void {
    const c = this.chars;
    if (c[0] === "#" && c[1] === "!") {
      while (this.pos < c.length && c[this.pos] !== "\n") this.advance();
    }
    while (this.pos < c.length) {
      const ch = c[this.pos]!;
      if (ch === " " || ch === "\t" || ch === "\r") {
        this.advance();
      } else if (ch === "\\" && c[this.pos + 1] === "\n") {
        this.pos += 2;
        this.line++;
        this.col = 1;
      } else if (ch === "\n") {
        this.push(T.Newline, this.pos, this.line, this.col);
        const last = this.tokens[this.tokens.length - 1]!;
        (last as { span: Span }).span = span(this.offset(), this.offset() + 1, this.line, this.col);
        this.newline();
      } else if (ch === "/" && c[this.pos + 1] === "/") {
        while (this.pos < c.length && c[this.pos] !== "\n") this.advance();
      } else if (ch === "/" && c[this.pos + 1] === "*") {
        this.blockComment();
      } else if (ch === "r" && c[this.pos + 1] === '"') {
        this.rawString();
      } else if (ch === '"') {
        if (c[this.pos + 1] === '"' && c[this.pos + 2] === '"') this.multiLineString();
        else this.string();
      } else if (isDigit(ch)) {
        this.number();
      } else if (isIdentStart(ch)) {
        this.identifier();
      } else {
        this.operator(ch);
      }
    }
    this.tokens.push({ kind: T.Eof, span: span(this.offset(), this.offset(), this.line, this.col) });
  }

  private operator(ch: string): void {
    const two = TWO_CHAR[ch + (this.chars[this.pos + 1] ?? "")];
    const start = this.pos;
    const col = this.col;
    if (two !== undefined) {
      this.advance();
      this.advance();
      this.push(two, start, this.line, col);
      return;
    }
    const one = ONE_CHAR[ch];
    if (one === undefined) {
      const at = span(this.offset(), this.offset(this.pos + 1), this.line, this.col);
      this.fail(Code.UnexpectedCharacter, messages.unexpectedCharacter(ch, this.line, this.col), at);
    }
    this.advance();
    this.push(one, start, this.line, col);
  }

  private blockComment(): void {
    const startLine = this.line;
    const startCol = this.col;
    const start = this.offset();
    this.advance();
    this.advance();
    let depth = 1;
    const c = this.chars;
    while (this.pos < c.length && depth > 0) {
      if (c[this.pos] === "/" && c[this.pos + 1] === "*") {
        depth++;
        this.advance();
        this.advance();
      } else if (c[this.pos] === "*" && c[this.pos + 1] === "/") {
        depth--;
        this.advance();
        this.advance();
      } else if (c[this.pos] === "\n") {
        this.newline();
      } else {
        this.advance();
      }
    }
    if (depth > 0) {
      const at = span(start, start, startLine, startCol);
      this.fail(Code.UnterminatedBlockComment, messages.unterminatedBlockComment(startLine, startCol), at);
    }
  }

  private unterminated(start: number, line: number, col: number): never {
    this.fail(Code.UnterminatedString, messages.unterminatedString(line, col), span(start, start, line, col));
  }

  private rawString(): void {
    const startPos = this.pos;
    const line = this.line;
    const col = this.col;
    this.advance();
    this.advance();
    let value = "";
    while (this.pos < this.chars.length) {
      const ch = this.chars[this.pos]!;
      if (ch === '"') {
        this.advance();
        this.push(T.RawStr, startPos, line, col, { text: value });
        return;
      }
      if (ch === "\n") break;
      value += ch;
      this.advance();
    }
    this.unterminated(this.offset(startPos), line, col);
  }

  /** Reads `${ ... }` after the `$`; returns the expression segment. */
  private interpolation(startPos: number, line: number, col: number): StringSegment {
    this.advance();
    this.advance();
    const exprLine = this.line;
    const exprCol = this.col;
    const exprStart = this.pos;
    let depth = 1;
    while (this.pos < this.chars.length) {
      const ch = this.chars[this.pos]!;
      if (ch === "{") depth++;
      if (ch === "}" && --depth === 0) break;
      if (ch === "\n") {
        this.line++;
        this.col = 0;
      }
      this.advance();
    }
    if (this.pos >= this.chars.length) this.unterminated(this.offset(startPos), line, col);
    const source = this.chars.slice(exprStart, this.pos).join("");
    this.advance();
    return { kind: "expr", source, offset: this.offset(exprStart), line: exprLine, col: exprCol };
  }

  private string(): void {
    const startPos = this.pos;
    const line = this.line;
    const col = this.col;
    this.advance();
    let value = "";
    const segments: StringSegment[] = [];
    let interpolated = false;
    const c = this.chars;
    while (this.pos < c.length) {
      const ch = c[this.pos]!;
      if (ch === '"') {
        this.advance();
        if (!interpolated) {
          this.push(T.Str, startPos, line, col, { text: value });
        } else {
          if (value !== "") segments.push({ kind: "lit", text: value });
          this.push(T.InterpStr, startPos, line, col, { segments });
        }
        return;
      }
      if (ch === "$" && c[this.pos + 1] === "{") {
        interpolated = true;
        if (value !== "") segments.push({ kind: "lit", text: value });
        value = "";
        const seg = this.interpolation(startPos, line, col);
        if (seg.kind === "expr" && seg.source.trim() === "") {
          const at = span(this.offset(), this.offset() + 1, this.line, this.col);
          this.fail(Code.UnexpectedCharacter, messages.unexpectedCharacter("}", this.line, this.col), at);
        }
        segments.push(seg);
        continue;
      }
      if (ch === "\\") {
        this.advance();
        const esc = c[this.pos];
        if (esc === undefined) break;
        value += ESCAPES[esc] ?? `\\${esc}`;
        if (esc === "\n") this.newline();
        else this.advance();
        continue;
      }
      if (ch === "\n") break;
      value += ch;
      this.advance();
    }
    this.unterminated(this.offset(startPos), line, col);
  }

  private multiLineString(): void {
    const startPos = this.pos;
    const line = this.line;
    const col = this.col;
    this.advance();
    this.advance();
    this.advance();
    const c = this.chars;
    if (c[this.pos] === "\n") this.newline();
    let value = "";
    const segments: StringSegment[] = [];
    let interpolated = false;
    while (this.pos < c.length) {
      if (c[this.pos] === '"' && c[this.pos + 1] === '"' && c[this.pos + 2] === '"') {
        this.advance();
        this.advance();
        this.advance();
        if (!interpolated) {
          this.push(T.Str, startPos, line, col, { text: stripCommonIndent(value) });
        } else {
          if (value !== "") segments.push({ kind: "lit", text: value });
          this.push(T.InterpStr, startPos, line, col, { segments: dedentSegments(segments) });
        }
        return;
      }
      if (c[this.pos] === "$" && c[this.pos + 1] === "{") {
        interpolated = true;
        if (value !== "") segments.push({ kind: "lit", text: value });
        value = "";
        segments.push(this.interpolation(startPos, line, col));
        continue;
      }
      value += c[this.pos];
      if (c[this.pos] === "\n") this.newline();
      else this.advance();
    }
    this.unterminated(this.offset(startPos), line, col);
  }

  private number(): void {
    const startPos = this.pos;
    const col = this.col;
    const c = this.chars;
    let text = "";
    let isFloat = false;
    while (this.pos < c.length && (isDigit(c[this.pos]) || c[this.pos] === ".")) {
      if (c[this.pos] === ".") {
        if (isFloat || !isDigit(c[this.pos + 1])) break;
        isFloat = true;
      }
      text += c[this.pos];
      this.advance();
    }
    if (!isFloat) {
      const ms = this.durationSuffix(text);
      if (ms !== undefined) {
        this.push(T.Duration, startPos, this.line, col, { num: ms });
        return;
      }
      const n = parseIntLiteral(text);
      if (n !== null) {
        this.push(T.Int, startPos, this.line, col, { num: n });
        return;
      }
    }
    this.push(T.Float, startPos, this.line, col, { num: Number(text) });
  }

  private durationSuffix(digits: string): number | undefined {
    const c = this.chars;
    const ch = c[this.pos];
    const next = c[this.pos + 1];
    const n = Number(digits);
    if (ch === "m" && next === "s") {
      this.advance();
      this.advance();
      return n;
    }
    if (ch === undefined || DURATION_MS[ch] === undefined || isAlnum(next)) return undefined;
    if (ch === "m" && next === "s") return undefined;
    this.advance();
    return n * DURATION_MS[ch]!;
  }

  private identifier(): void {
    const startPos = this.pos;
    const col = this.col;
    let name = "";
    while (isIdentPart(this.chars[this.pos])) {
      name += this.chars[this.pos];
      this.advance();
    }
    const kw = KEYWORDS.get(name);
    if (kw !== undefined) this.push(kw, startPos, this.line, col);
    else this.push(T.Ident, startPos, this.line, col, { text: name });
  }
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", "\\": "\\", '"': '"', $: "$" };
