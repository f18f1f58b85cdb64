// Expressions that open a block or bracket: if/else, match, try/catch,
// try*, parallel, retry, spawn, deadline, `fn(...) {}` and `{ x -> }`
// closures, list and dict literals, argument and parameter lists.

import type { Span } from "../diagnostics/span.ts";
import type { DictEntry, MatchArm, Node, ParallelMode, Param } from "./ast.ts";
import { ExprParser } from "./parse-expressions.ts";
import { T } from "./tokens.ts";

export abstract class BlockExprParser extends ExprParser {
  protected parseKeywordPrimary(): Node | undefined {
    switch (this.tok.kind) {
      case T.LBracket:
        return this.parseListLiteral();
      case T.LBrace:
        return this.parseDictOrClosure();
      case T.Parallel:
        return this.parseParallel();
      case T.Retry:
        return this.parseRetry();
      case T.If:
        return this.parseIfElse();
      case T.Spawn: {
        const start = this.advance().span;
        return this.node({ kind: "Spawn", body: this.parseBraced() }, start);
      }
      case T.Deadline:
        return this.parseDeadline();
      case T.Try:
        return this.parseTry();
      case T.Match:
        return this.parseMatch();
      case T.Fn:
        return this.parseFnExpr();
      default:
        return undefined;
    }
  }

  /** `{ block }` */
  protected parseBraced(): Node[] {
    this.consume(T.LBrace, "{");
    const body = this.parseBlock();
    this.consume(T.RBrace, "}");
    return body;
  }

  protected parseIfElse(): Node {
    const start = this.consume(T.If, "if").span;
    const cond = this.parseExpression();
    const then = this.parseBraced();
    this.skipNewlines();
    if (!this.check(T.Else)) return this.node({ kind: "If", cond, then }, start);
    this.advance();
    const otherwise = this.check(T.If) ? [this.parseIfElse()] : this.parseBraced();
    return this.node({ kind: "If", cond, then, else: otherwise }, start);
  }

  protected parseMatch(): Node {
    const start = this.consume(T.Match, "match").span;
    const value = this.parseExpression();
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    const arms: MatchArm[] = [];
    while (!this.atEnd() && !this.check(T.RBrace)) {
      const first = this.parseExpression();
      let pattern = first;
      if (this.check(T.Bar)) {
        const alternatives = [first];
        while (this.check(T.Bar)) {
          this.advance();
          this.skipNewlines();
          alternatives.push(this.parseExpression());
        }
        pattern = this.node({ kind: "OrPattern", alternatives }, first.span);
      }
      let guard: Node | undefined;
      if (this.check(T.If)) {
        this.advance();
        guard = this.parseExpression();
      }
      this.consume(T.Arrow, "->");
      const body = this.parseBraced();
      arms.push(guard ? { pattern, guard, body } : { pattern, body });
      this.skipNewlines();
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "Match", value, arms }, start);
  }

  protected parseRetry(): Node {
    const start = this.consume(T.Retry, "retry").span;
    let count: Node;
    if (this.check(T.LParen)) {
      this.advance();
      count = this.parseExpression();
      this.consume(T.RParen, ")");
    } else {
      count = this.parsePrimary();
    }
    return this.node({ kind: "Retry", count, body: this.parseBraced() }, start);
  }

  protected parseDeadline(): Node {
    const start = this.consume(T.Deadline, "deadline").span;
    const duration = this.parsePrimary();
    return this.node({ kind: "Deadline", duration, body: this.parseBraced() }, start);
  }

  protected parseTry(): Node {
    const start = this.consume(T.Try, "try").span;
    if (this.check(T.Star)) {
      this.advance();
      return this.node({ kind: "TryStar", operand: this.parseUnary() }, start);
    }
    const body = this.parseBraced();
    this.skipNewlines();
    const hasCatch = this.check(T.Catch);
    let errorVar: string | undefined;
    let errorType: ReturnType<typeof this.tryParseTypeAnnotation>;
    let catchBody: Node[] = [];
    if (hasCatch) {
      this.advance();
      if (this.check(T.LParen)) {
        this.advance();
        errorVar = this.consumeIdent("error variable");
        errorType = this.tryParseTypeAnnotation();
        this.consume(T.RParen, ")");
      } else if (this.check(T.Ident)) {
        errorVar = this.consumeIdent("error variable");
      }
      catchBody = this.parseBraced();
    }
    this.skipNewlines();
    let finallyBody: Node[] | undefined;
    if (this.check(T.Finally)) {
      this.advance();
      finallyBody = this.parseBraced();
    }
    if (!hasCatch && finallyBody === undefined) return this.node({ kind: "TryExpr", body }, start);
    return this.node(
      {
        kind: "TryCatch",
        body,
        hasCatch,
        catchBody,
        ...(errorVar !== undefined && { errorVar }),
        ...(errorType !== undefined && { errorType }),
        ...(finallyBody !== undefined && { finallyBody }),
      },
      start,
    );
  }

  protected parseParallel(): Node {
    const start = this.consume(T.Parallel, "parallel").span;
    let mode: ParallelMode = "count";
    if (this.checkIdent("each")) {
      this.advance();
      mode = "each";
    } else if (this.checkIdent("settle")) {
      this.advance();
      mode = "settle";
    }
    const expr = this.parseExpression();
    const options = this.checkIdent("with") ? this.parseParallelOptions() : [];
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    let variable: string | undefined;
    if (this.check(T.Ident) && this.kindAt(1) === T.Arrow) {
      variable = this.tok.text!;
      this.advance();
      this.advance();
    }
    const body = this.parseBlock();
    this.consume(T.RBrace, "}");
    if (this.checkIdent("as")) {
      const asSpan = this.advance().span;
      if (!this.checkIdent("stream")) {
        throw this.unexpected(
          this.tok.text ?? T[this.tok.kind],
          "`stream` after `parallel each ... as`",
          this.tok.span,
        );
      }
      this.advance();
      if (mode !== "each") {
        throw this.unexpected(
          "as stream",
          "`as stream` is only valid after `parallel each ... { ... }`",
          asSpan,
        );
      }
      mode = "each_stream";
    }
    return this.node(
      { kind: "Parallel", mode, expr, body, options, ...(variable !== undefined && { variable }) },
      start,
    );
  }

  private parseParallelOptions(): [string, Node][] {
    this.advance();
    this.consume(T.LBrace, "{");
    const options: [string, Node][] = [];
    for (;;) {
      this.skipNewlines();
      if (this.check(T.RBrace) || this.atEnd()) break;
      const keyTok = this.tok;
      if (keyTok.kind !== T.Ident) {
        throw this.unexpected(
          T[keyTok.kind],
          "option name in `parallel ... with { ... }` block",
          keyTok.span,
        );
      }
      this.advance();
      const key = keyTok.text!;
      if (key !== "max_concurrent") {
        throw this.unexpected(
          key,
          `known option (only \`max_concurrent\` is supported in \`parallel ... with { ... }\`; got \`${key}\`)`,
          keyTok.span,
        );
      }
      this.consume(T.Colon, ":");
      options.push([key, this.parseExpression()]);
      this.skipNewlines();
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    this.consume(T.RBrace, "}");
    return options;
  }

  protected parseFnExpr(): Node {
    const start = this.consume(T.Fn, "fn").span;
    this.consume(T.LParen, "(");
    const params = this.parseParams(T.RParen);
    this.consume(T.RParen, ")");
    return this.node({ kind: "Closure", params, body: this.parseBraced(), fnSyntax: true }, start);
  }

  private parseListLiteral(): Node {
    const start = this.consume(T.LBracket, "[").span;
    const elements: Node[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RBracket)) {
      elements.push(this.parseSpreadOr(() => this.parseExpression()));
      this.skipNewlines();
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    this.consume(T.RBracket, "]");
    return this.node({ kind: "List", elements }, start);
  }

  /** `...expr` (three dot tokens) or whatever `orElse` parses. */
  private parseSpreadOr(orElse: () => Node): Node {
    if (this.check(T.Dot) && this.kindAt(1) === T.Dot) {
      const start = this.advance().span;
      this.advance();
      this.consume(T.Dot, ".");
      return this.node({ kind: "Spread", expr: this.parseExpression() }, start);
    }
    return orElse();
  }

  protected parseArgList(): Node[] {
    const args: Node[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RParen)) {
      args.push(this.parseSpreadOr(() => this.parseExpression()));
      this.skipNewlines();
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    return args;
  }

  private parseDictOrClosure(): Node {
    const start = this.consume(T.LBrace, "{").span;
    this.skipNewlines();
    if (this.check(T.RBrace)) {
      this.advance();
      return this.node({ kind: "Dict", entries: [] }, start);
    }
    if (this.closureAhead()) {
      const params = this.parseParams(T.Arrow);
      this.consume(T.Arrow, "->");
      const body = this.parseBlock();
      this.consume(T.RBrace, "}");
      return this.node({ kind: "Closure", params, body, fnSyntax: false }, start);
    }
    return this.node({ kind: "Dict", entries: this.parseDictEntries() }, start);
  }

  /** Is there a `->` at nesting depth 0 before the closing `}`? */
  private closureAhead(): boolean {
    let depth = 0;
    for (let i = this.pos; i < this.tokens.length; i++) {
      const k = this.tokens[i]!.kind;
      if (k === T.Eof) return false;
      if (k === T.Arrow && depth === 0) return true;
      if (k === T.LBrace || k === T.LParen || k === T.LBracket) depth++;
      else if (k === T.RBrace) {
        if (depth === 0) return false;
        depth--;
      } else if ((k === T.RParen || k === T.RBracket) && depth > 0) depth--;
    }
    return false;
  }

  /** Entries after `{` up to and including the closing `}`. */
  protected parseDictEntries(): DictEntry[] {
    const entries: DictEntry[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RBrace)) {
      if (this.check(T.Dot) && this.kindAt(1) === T.Dot && this.kindAt(2) === T.Dot) {
        entries.push({ key: null, value: this.parseSpreadOr(() => this.parseExpression()) });
      } else {
        const key = this.parseDictKey();
        this.consume(T.Colon, ":");
        entries.push({ key, value: this.parseExpression() });
      }
      this.skipNewlines();
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    this.consume(T.RBrace, "}");
    return entries;
  }

  private parseDictKey(): Node {
    if (this.check(T.LBracket)) {
      this.advance();
      const key = this.parseExpression();
      this.consume(T.RBracket, "]");
      return key;
    }
    const start: Span = this.tok.span;
    if (this.check(T.Str)) {
      return { kind: "Str", value: this.advance().text!, raw: false, span: start };
    }
    return { kind: "Str", value: this.consumeIdentOrKeyword("dict key"), raw: false, span: start };
  }

  /** Typed parameters (`a`, `b: int = 1`, `...rest`) up to `terminator`. */
  protected parseParams(terminator: T): Param[] {
    const params: Param[] = [];
    let seenDefault = false;
    this.skipNewlines();
    while (!this.atEnd() && !this.check(terminator)) {
      const start = this.tok.span;
      const rest = this.check(T.Dot) && this.kindAt(1) === T.Dot && this.kindAt(2) === T.Dot;
      if (rest) this.pos += 3;
      const name = this.consumeIdent("parameter name");
      const type = this.tryParseTypeAnnotation();
      let defaultValue: Node | undefined;
      if (this.check(T.Assign)) {
        this.advance();
        seenDefault = true;
        defaultValue = this.parseExpression();
      } else if (seenDefault && !rest) {
        throw this.error("Required parameter cannot follow a parameter with a default value");
      }
      if (rest && !this.check(terminator)) throw this.error("Rest parameter must be the last parameter");
      params.push({
        name,
        rest,
        span: this.spanFrom(start),
        ...(type !== undefined && { type }),
        ...(defaultValue !== undefined && { defaultValue }),
      });
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    return params;
  }
}
