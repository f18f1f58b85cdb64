// Token cursor and error plumbing shared by the parser layers
// (types -> expressions -> statements -> declarations). A syntax error is
// thrown as `ParseError` inside the parser and caught at statement
// boundaries, where the parser records it and resynchronises; callers only
// ever see the collected diagnostics.

import { type Diagnostic, errorDiagnostic } from "../diagnostics/diagnostic.ts";
import { Code, messages } from "../diagnostics/messages.ts";
import { mergeSpans, type Span } from "../diagnostics/span.ts";
import { keywordText, T, type Token, tokenDisplay } from "./tokens.ts";

export class ParseError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Tokens that begin a statement; used to resynchronise after an error. */
const STATEMENT_START = new Set<T>([
  T.Let,
  T.Var,
  T.If,
  T.For,
  T.While,
  T.Match,
  T.Retry,
  T.Return,
  T.Throw,
  T.Fn,
  T.Pub,
  T.Try,
  T.Select,
  T.Pipeline,
  T.Import,
  T.Parallel,
  T.Enum,
  T.EvalPack,
  T.Struct,
  T.Interface,
  T.Emit,
  T.Guard,
  T.Require,
  T.Deadline,
  T.Yield,
  T.Mutex,
  T.Defer,
  T.Break,
  T.Continue,
  T.Tool,
  T.Skill,
  T.Impl,
]);

/** Keywords the reference does not accept as member names or dict keys. */
const NOT_MEMBER_NAMES = new Set<T>([T.Finally, T.EvalPack, T.Require, T.Select, T.Skill]);

export class ParserBase {
  protected pos = 0;
  readonly errors: Diagnostic[] = [];

  constructor(protected readonly tokens: readonly Token[]) {}

  protected get tok(): Token {
    return this.tokens[Math.min(this.pos, this.tokens.length - 1)]!;
  }

  protected kindAt(offset: number): T | undefined {
    return this.tokens[this.pos + offset]?.kind;
  }

  protected tokenAt(offset: number): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  protected get prevSpan(): Span {
    return this.tokens[Math.max(0, this.pos - 1)]!.span;
  }

  protected spanFrom(start: Span): Span {
    return mergeSpans(start, this.prevSpan);
  }

  protected atEnd(): boolean {
    return this.pos >= this.tokens.length || this.tok.kind === T.Eof;
  }

  protected check(kind: T): boolean {
    return this.pos < this.tokens.length && this.tok.kind === kind;
  }

  protected checkIdent(name: string): boolean {
    return this.check(T.Ident) && this.tok.text === name;
  }

  protected advance(): Token {
    const t = this.tok;
    if (this.pos < this.tokens.length) this.pos++;
    return t;
  }

  protected skipNewlines(): void {
    while (this.pos < this.tokens.length && this.tok.kind === T.Newline) this.pos++;
  }

  /** Like `check`, but looks past newlines; restores the position if absent. */
  protected checkSkipNewlines(kind: T): boolean {
    const saved = this.pos;
    this.skipNewlines();
    if (this.check(kind)) return true;
    this.pos = saved;
    return false;
  }

  protected error(expected: string): ParseError {
    const t = this.tok;
    if (t.kind === T.Eof) {
      return new ParseError(errorDiagnostic(Code.UnexpectedEof, messages.unexpectedEof(expected), t.span));
    }
    return this.unexpected(tokenDisplay(t), expected, t.span);
  }

  protected unexpected(got: string, expected: string, at: Span): ParseError {
    return new ParseError(
      errorDiagnostic(Code.UnexpectedToken, messages.unexpectedToken(expected, got, at.line, at.col), at),
    );
  }

  protected consume(kind: T, expected: string): Token {
    this.skipNewlines();
    if (!this.check(kind)) throw this.error(expected);
    return this.advance();
  }

  protected consumeIdent(expected: string): string {
    this.skipNewlines();
    const t = this.tok;
    if (t.kind === T.Ident) {
      this.advance();
      return t.text!;
    }
    const kw = keywordText(t.kind);
    if (kw !== undefined) throw this.unexpected(`'${kw}' (reserved keyword)`, expected, t.span);
    throw this.error(expected);
  }

  /** Identifier, or a keyword used as a member name / dict key (`obj.type`). */
  protected consumeIdentOrKeyword(expected: string): string {
    this.skipNewlines();
    const t = this.tok;
    if (t.kind === T.Ident) {
      this.advance();
      return t.text!;
    }
    const kw = keywordText(t.kind);
    if (kw !== undefined && !NOT_MEMBER_NAMES.has(t.kind)) {
      this.advance();
      return kw;
    }
    throw this.error(expected);
  }

  protected consumeContextual(name: string, expected: string): Token {
    this.skipNewlines();
    if (!this.checkIdent(name)) throw this.error(expected);
    return this.advance();
  }

  /** A `;` and/or newlines between list items; reports whether any was present. */
  protected consumeSeparator(): boolean {
    let consumed = false;
    if (this.check(T.Semicolon)) {
      this.advance();
      consumed = true;
    }
    const start = this.pos;
    this.skipNewlines();
    return consumed || this.pos !== start;
  }

  /** Two items on one line need a separator between them. */
  protected requireSeparator(prevEndLine: number, item: string): void {
    const t = this.tok;
    if (t.kind === T.Eof || t.span.line !== prevEndLine) return;
    throw this.unexpected(tokenDisplay(t), `${item} separator (\`;\` or newline)`, t.span);
  }

  protected isStatementStart(): boolean {
    return STATEMENT_START.has(this.tok.kind);
  }

  /** Skip to a likely statement boundary after an error. */
  protected synchronize(): void {
    while (!this.atEnd()) {
      if (this.check(T.Semicolon)) {
        this.advance();
        this.skipNewlines();
        return;
      }
      if (this.check(T.Newline)) {
        this.advance();
        if (this.atEnd() || this.isStatementStart()) return;
        continue;
      }
      if (this.check(T.RBrace)) return;
      this.advance();
    }
  }
}
