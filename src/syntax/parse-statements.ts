// Statements: bindings with destructuring patterns, loops, return/throw,
// guard/require, select, defer/mutex, yield/emit, break/continue and
// expression statements (including assignment and compound assignment).
// Declarations are dispatched to the subclass (`parseDeclaration`).

import type { BindingPattern, DictPatternField, ListPatternElement, Node, SelectCase } from "./ast.ts";
import { BlockExprParser } from "./parse-block-exprs.ts";
import { T } from "./tokens.ts";

const COMPOUND_ASSIGN = new Map([
  [T.PlusAssign, "+"],
  [T.MinusAssign, "-"],
  [T.StarAssign, "*"],
  [T.SlashAssign, "/"],
  [T.PercentAssign, "%"],
]);

export abstract class StatementParser extends BlockExprParser {
  /** A declaration statement (fn, struct, enum, ...) or undefined if the token starts none. */
  protected abstract parseDeclaration(): Node | undefined;

  protected parseBlock(): Node[] {
    const stmts: Node[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RBrace)) {
      const stmt = this.parseStatement();
      stmts.push(stmt);
      if (!this.consumeSeparator() && !this.atEnd() && !this.check(T.RBrace)) {
        this.requireSeparator(stmt.span.endLine, "statement");
      }
    }
    return stmts;
  }

  protected parseStatement(): Node {
    this.skipNewlines();
    const start = this.tok.span;
    switch (this.tok.kind) {
      case T.Let:
      case T.Var:
        return this.parseBinding();
      case T.For:
        return this.parseForIn();
      case T.While:
        return this.parseWhile();
      case T.Return: {
        this.advance();
        if (this.atStatementEnd()) return this.node({ kind: "Return" }, start);
        return this.node({ kind: "Return", value: this.parseExpression() }, start);
      }
      case T.Throw:
        this.advance();
        return this.node({ kind: "Throw", value: this.parseExpression() }, start);
      case T.Override:
        return this.parseOverride();
      case T.Select:
        return this.parseSelect();
      case T.Guard: {
        this.advance();
        const cond = this.parseExpression();
        this.consume(T.Else, "else");
        return this.node({ kind: "Guard", cond, elseBody: this.parseBraced() }, start);
      }
      case T.Require: {
        this.advance();
        const cond = this.parseExpression();
        if (!this.check(T.Comma)) return this.node({ kind: "Require", cond }, start);
        this.advance();
        return this.node({ kind: "Require", cond, message: this.parseExpression() }, start);
      }
      case T.Yield:
        this.advance();
        if (this.atStatementEnd()) return this.node({ kind: "Yield" }, start);
        return this.node({ kind: "Yield", value: this.parseExpression() }, start);
      case T.Emit:
        this.advance();
        return this.node({ kind: "Emit", value: this.parseExpression() }, start);
      case T.Mutex:
        this.advance();
        return this.node({ kind: "Mutex", body: this.parseBraced() }, start);
      case T.Defer:
        this.advance();
        return this.node({ kind: "Defer", body: this.parseBraced() }, start);
      case T.Break:
        this.advance();
        return { kind: "Break", span: start };
      case T.Continue:
        this.advance();
        return { kind: "Continue", span: start };
      default:
        return this.parseDeclaration() ?? this.parseExpressionStatement();
    }
  }

  private atStatementEnd(): boolean {
    return this.atEnd() || this.check(T.Semicolon) || this.check(T.Newline) || this.check(T.RBrace);
  }

  private parseBinding(): Node {
    const start = this.tok.span;
    const isLet = this.advance().kind === T.Let;
    const pattern = this.parseBindingPattern();
    const type = pattern.kind === "Ident" ? this.tryParseTypeAnnotation() : undefined;
    this.consume(T.Assign, "=");
    const value = this.parseExpression();
    const typed = type !== undefined ? { type } : {};
    return isLet
      ? this.node({ kind: "Let", pattern, value, ...typed }, start)
      : this.node({ kind: "Var", pattern, value, ...typed }, start);
  }

  protected parseBindingPattern(): BindingPattern {
    this.skipNewlines();
    if (this.check(T.LBrace)) return this.parseDictPattern();
    if (this.check(T.LBracket)) return this.parseListPattern();
    return { kind: "Ident", name: this.consumeIdent("variable name or destructuring pattern") };
  }

  private parseRestName(): string {
    this.advance();
    this.consume(T.Dot, ".");
    this.consume(T.Dot, ".");
    return this.consumeIdent("rest variable name");
  }

  private parseDictPattern(): BindingPattern {
    this.advance();
    const fields: DictPatternField[] = [];
    while (!this.atEnd() && !this.check(T.RBrace)) {
      if (this.check(T.Dot)) {
        fields.push({ key: this.parseRestName(), rest: true });
        break;
      }
      const key = this.consumeIdent("field name");
      let alias: string | undefined;
      if (this.check(T.Colon)) {
        this.advance();
        alias = this.consumeIdent("alias name");
      }
      let defaultValue: Node | undefined;
      if (this.check(T.Assign)) {
        this.advance();
        defaultValue = this.parseExpression();
      }
      fields.push({
        key,
        rest: false,
        ...(alias !== undefined && { alias }),
        ...(defaultValue !== undefined && { defaultValue }),
      });
      if (this.check(T.Comma)) this.advance();
    }
    this.consume(T.RBrace, "}");
    return { kind: "Dict", fields };
  }

  private parseListPattern(): BindingPattern {
    this.advance();
    const elements: ListPatternElement[] = [];
    while (!this.atEnd() && !this.check(T.RBracket)) {
      if (this.check(T.Dot)) {
        elements.push({ name: this.parseRestName(), rest: true });
        break;
      }
      const name = this.consumeIdent("element name");
      let defaultValue: Node | undefined;
      if (this.check(T.Assign)) {
        this.advance();
        defaultValue = this.parseExpression();
      }
      elements.push({ name, rest: false, ...(defaultValue !== undefined && { defaultValue }) });
      if (this.check(T.Comma)) this.advance();
    }
    this.consume(T.RBracket, "]");
    return { kind: "List", elements };
  }

  private parseForIn(): Node {
    const start = this.consume(T.For, "for").span;
    let pattern: BindingPattern;
    if (this.check(T.LParen)) {
      this.advance();
      const first = this.consumeIdent("pair pattern element");
      this.consume(T.Comma, ",");
      const second = this.consumeIdent("pair pattern element");
      this.consume(T.RParen, ")");
      pattern = { kind: "Pair", first, second };
    } else {
      pattern = this.parseBindingPattern();
    }
    this.consume(T.In, "in");
    const iterable = this.parseExpression();
    return this.node({ kind: "ForIn", pattern, iterable, body: this.parseBraced() }, start);
  }

  private parseWhile(): Node {
    const start = this.consume(T.While, "while").span;
    let cond: Node;
    if (this.check(T.LParen)) {
      this.advance();
      cond = this.parseExpression();
      this.consume(T.RParen, ")");
    } else {
      cond = this.parseExpression();
    }
    return this.node({ kind: "While", cond, body: this.parseBraced() }, start);
  }

  private parseOverride(): Node {
    const start = this.consume(T.Override, "override").span;
    const name = this.consumeIdent("override name");
    this.consume(T.LParen, "(");
    const params = this.parseNameList();
    this.consume(T.RParen, ")");
    return this.node({ kind: "OverrideDecl", name, params, body: this.parseBraced() }, start);
  }

  /** Untyped parameter names (pipelines, overrides). */
  protected parseNameList(): string[] {
    const names: string[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RParen)) {
      names.push(this.consumeIdent("parameter name"));
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    return names;
  }

  private parseSelect(): Node {
    const start = this.consume(T.Select, "select").span;
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    const cases: SelectCase[] = [];
    let timeout: { duration: Node; body: Node[] } | undefined;
    let defaultBody: Node[] | undefined;
    while (!this.atEnd() && !this.check(T.RBrace)) {
      this.skipNewlines();
      if (this.checkIdent("timeout")) {
        this.advance();
        const duration = this.parseExpression();
        timeout = { duration, body: this.parseBraced() };
      } else if (this.checkIdent("default")) {
        this.advance();
        defaultBody = this.parseBraced();
      } else {
        const variable = this.consumeIdent("select case variable");
        this.consume(T.From, "from");
        const channel = this.parseExpression();
        cases.push({ variable, channel, body: this.parseBraced() });
      }
      this.skipNewlines();
    }
    this.consume(T.RBrace, "}");
    if (cases.length === 0 && !timeout && !defaultBody) throw this.error("at least one select case");
    if (timeout && defaultBody) throw this.error("select cannot have both timeout and default");
    return this.node(
      { kind: "Select", cases, ...(timeout && { timeout }), ...(defaultBody && { defaultBody }) },
      start,
    );
  }

  private parseExpressionStatement(): Node {
    const start = this.tok.span;
    const expr = this.parseExpression();
    const assignable =
      expr.kind === "Ident" ||
      (expr.kind === "Property" && !expr.optional) ||
      (expr.kind === "Subscript" && !expr.optional);
    if (!assignable) return expr;
    if (this.check(T.Assign)) {
      this.advance();
      return this.node({ kind: "Assign", target: expr, value: this.parseExpression() }, start);
    }
    const op = COMPOUND_ASSIGN.get(this.tok.kind);
    if (op === undefined) return expr;
    this.advance();
    return this.node({ kind: "Assign", target: expr, value: this.parseExpression(), op }, start);
  }
}
