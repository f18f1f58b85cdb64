// Operator expressions, by precedence from lowest to highest:
//   |>  to  ?:  ||  &&  == !=  < > <= >= in not-in  + -  ??  * / %  **  unary  postfix
// (Spec: "Operator precedence table"). Operators that may start a
// continuation line (`|>`, `||`, `+`, `.`, ...) look past newlines; `-`,
// `in` and `to` do not, because a line may begin with them.

import type { Span } from "../diagnostics/span.ts";
import type { DictEntry, InterpPart, Node, NodeInit, TypeExpr } from "./ast.ts";
import { ParseError } from "./parser-base.ts";
import { TypeParser } from "./parse-types.ts";
import { type StringSegment, T } from "./tokens.ts";

type BinaryLevel = { ops: ReadonlyMap<T, string>; multiline: boolean };

const EQUALITY: BinaryLevel = {
  ops: new Map([
    [T.Eq, "=="],
    [T.Neq, "!="],
  ]),
  multiline: true,
};
const MULTIPLICATIVE: BinaryLevel = {
  ops: new Map([
    [T.Star, "*"],
    [T.Slash, "/"],
    [T.Percent, "%"],
  ]),
  multiline: true,
};
const COMPARISON_OPS = new Map([
  [T.Lt, "<"],
  [T.Gt, ">"],
  [T.Lte, "<="],
  [T.Gte, ">="],
]);

/** Tokens after `?` that make it a ternary rather than postfix `expr?`. */
const TERNARY_START = new Set<T>([
  T.Ident,
  T.Int,
  T.Float,
  T.Str,
  T.InterpStr,
  T.True,
  T.False,
  T.Nil,
  T.LParen,
  T.LBrace,
  T.Not,
  T.Minus,
  T.Fn,
]);

export abstract class ExprParser extends TypeParser {
  /** Statement list up to (not including) the closing `}`. */
  protected abstract parseBlock(): Node[];
  /** Expressions headed by a keyword or bracket: if, match, try, [..], {..}, ... */
  protected abstract parseKeywordPrimary(): Node | undefined;
  /** Parses the source of a `${...}` segment as an expression. */
  protected abstract parseEmbedded(seg: Extract<StringSegment, { kind: "expr" }>): Node;
  protected abstract parseDictEntries(): DictEntry[];
  protected abstract parseArgList(): Node[];

  protected node(partial: NodeInit, start: Span): Node {
    return { ...partial, span: this.spanFrom(start) } as Node;
  }

  parseExpression(): Node {
    this.skipNewlines();
    return this.parsePipe();
  }

  private binary(op: string, left: Node, right: Node): Node {
    return { kind: "Binary", op, left, right, span: this.spanFrom(left.span) };
  }

  private parsePipe(): Node {
    let left = this.parseRange();
    while (this.checkSkipNewlines(T.Pipe)) {
      this.advance();
      this.skipNewlines();
      left = this.binary("|>", left, this.parseRange());
    }
    return left;
  }

  private parseRange(): Node {
    const left = this.parseTernary();
    if (!this.check(T.To)) return left;
    this.advance();
    const end = this.parseTernary();
    const inclusive = !this.check(T.Exclusive);
    if (!inclusive) this.advance();
    return this.node({ kind: "Range", start: left, end, inclusive }, left.span);
  }

  private parseTernary(): Node {
    const cond = this.parseLogicalOr();
    if (!this.check(T.Question)) return cond;
    this.advance();
    const then = this.parseLogicalOr();
    this.consume(T.Colon, ":");
    const otherwise = this.parseLogicalOr();
    return this.node({ kind: "Ternary", cond, then, else: otherwise }, cond.span);
  }

  private parseLogicalOr(): Node {
    let left = this.parseLogicalAnd();
    while (this.checkSkipNewlines(T.Or)) {
      this.advance();
      this.skipNewlines();
      left = this.binary("||", left, this.parseLogicalAnd());
    }
    return left;
  }

  private parseLogicalAnd(): Node {
    let left = this.parseLevel(EQUALITY, () => this.parseComparison());
    while (this.checkSkipNewlines(T.And)) {
      this.advance();
      this.skipNewlines();
      left = this.binary(
        "&&",
        left,
        this.parseLevel(EQUALITY, () => this.parseComparison()),
      );
    }
    return left;
  }

  /** One left-associative level whose operators may lead a continuation line. */
  private parseLevel(level: BinaryLevel, next: () => Node): Node {
    let left = next();
    for (;;) {
      const saved = this.pos;
      if (level.multiline) this.skipNewlines();
      const op = level.ops.get(this.tok.kind);
      if (op === undefined) {
        this.pos = saved;
        return left;
      }
      this.advance();
      this.skipNewlines();
      left = this.binary(op, left, next());
    }
  }

  private parseComparison(): Node {
    let left = this.parseAdditive();
    for (;;) {
      const saved = this.pos;
      this.skipNewlines();
      const op = COMPARISON_OPS.get(this.tok.kind);
      if (op !== undefined) {
        this.advance();
        this.skipNewlines();
        left = this.binary(op, left, this.parseAdditive());
        continue;
      }
      this.pos = saved;
      if (this.check(T.In)) {
        this.advance();
        this.skipNewlines();
        left = this.binary("in", left, this.parseAdditive());
      } else if (this.checkIdent("not") && this.kindAt(1) === T.In) {
        this.advance();
        this.advance();
        this.skipNewlines();
        left = this.binary("not_in", left, this.parseAdditive());
      } else {
        return left;
      }
    }
  }

  private parseAdditive(): Node {
    let left = this.parseNilCoalescing();
    for (;;) {
      let op: string;
      if (this.checkSkipNewlines(T.Plus)) op = "+";
      else if (this.check(T.Minus)) op = "-";
      else return left;
      this.advance();
      this.skipNewlines();
      left = this.binary(op, left, this.parseNilCoalescing());
    }
  }

  private parseNilCoalescing(): Node {
    let left = this.parseLevel(MULTIPLICATIVE, () => this.parseExponent());
    while (this.checkSkipNewlines(T.NilCoal)) {
      this.advance();
      this.skipNewlines();
      left = this.binary(
        "??",
        left,
        this.parseLevel(MULTIPLICATIVE, () => this.parseExponent()),
      );
    }
    return left;
  }

  private parseExponent(): Node {
    const left = this.parseUnary();
    if (!this.checkSkipNewlines(T.Pow)) return left;
    this.advance();
    this.skipNewlines();
    return this.binary("**", left, this.parseExponent());
  }

  protected parseUnary(): Node {
    if (this.check(T.Not) || this.check(T.Minus)) {
      const start = this.tok.span;
      const op = this.advance().kind === T.Not ? "!" : "-";
      const operand = this.parseUnary();
      return this.node({ kind: "Unary", op, operand }, start);
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.checkSkipNewlines(T.Dot) || this.checkSkipNewlines(T.QuestionDot)) {
        expr = this.parseMember(expr);
      } else if (this.check(T.LBracket)) {
        expr = this.parseSubscript(expr);
      } else if (this.check(T.LBrace) && expr.kind === "Ident" && this.isStructConstruct(expr.name)) {
        this.advance();
        const fields = this.parseDictEntries();
        expr = this.node({ kind: "StructConstruct", name: expr.name, fields }, expr.span);
      } else if (this.check(T.Lt) && expr.kind === "Ident") {
        const call = this.tryGenericCall(expr.name, expr.span);
        if (call === undefined) return expr;
        expr = call;
      } else if (this.check(T.LParen) && expr.kind === "Ident") {
        this.advance();
        const args = this.parseArgList();
        this.consume(T.RParen, ")");
        expr = this.node({ kind: "Call", name: expr.name, typeArgs: [], args }, expr.span);
      } else if (this.check(T.Question)) {
        const next = this.kindAt(1);
        if (next === T.LBracket) {
          this.advance();
          this.advance();
          const index = this.parseExpression();
          this.consume(T.RBracket, "]");
          expr = this.node({ kind: "Subscript", object: expr, index, optional: true }, expr.span);
        } else if (next !== undefined && TERNARY_START.has(next)) {
          return expr;
        } else {
          this.advance();
          expr = this.node({ kind: "TryOp", operand: expr }, expr.span);
        }
      } else {
        return expr;
      }
    }
  }

  private parseMember(object: Node): Node {
    const optional = this.check(T.QuestionDot);
    this.advance();
    const name = this.consumeIdentOrKeyword("member name");
    if (this.check(T.LParen)) {
      this.advance();
      const args = this.parseArgList();
      this.consume(T.RParen, ")");
      return this.node({ kind: "MethodCall", object, method: name, args, optional }, object.span);
    }
    return this.node({ kind: "Property", object, name, optional }, object.span);
  }

  private parseSubscript(object: Node): Node {
    this.advance();
    if (this.check(T.Colon)) {
      this.advance();
      const end = this.check(T.RBracket) ? undefined : this.parseExpression();
      this.consume(T.RBracket, "]");
      return this.node(end ? { kind: "Slice", object, end } : { kind: "Slice", object }, object.span);
    }
    const index = this.parseExpression();
    if (this.check(T.Colon)) {
      this.advance();
      const end = this.check(T.RBracket) ? undefined : this.parseExpression();
      this.consume(T.RBracket, "]");
      return this.node(
        end ? { kind: "Slice", object, start: index, end } : { kind: "Slice", object, start: index },
        object.span,
      );
    }
    this.consume(T.RBracket, "]");
    return this.node({ kind: "Subscript", object, index, optional: false }, object.span);
  }

  /** `Name { field: ...` (capitalised name, then `}` or `key:`) builds a struct. */
  private isStructConstruct(name: string): boolean {
    const first = name[0];
    if (first === undefined || first === first.toLowerCase() || first !== first.toUpperCase()) return false;
    let i = 1;
    while (this.kindAt(i) === T.Newline) i++;
    const k = this.kindAt(i);
    if (k === T.RBrace) return true;
    if (k !== T.Ident && k !== T.Str) return false;
    i++;
    while (this.kindAt(i) === T.Newline) i++;
    return this.kindAt(i) === T.Colon;
  }

  /** `name<T, U>(args)`; restores the position when this is a comparison instead. */
  private tryGenericCall(name: string, start: Span): Node | undefined {
    const saved = this.pos;
    this.advance();
    let typeArgs: TypeExpr[];
    try {
      typeArgs = this.parseTypeArgList();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.pos = saved;
      return undefined;
    }
    if (!this.check(T.LParen)) {
      this.pos = saved;
      return undefined;
    }
    this.advance();
    const args = this.parseArgList();
    this.consume(T.RParen, ")");
    return this.node({ kind: "Call", name, typeArgs, args }, start);
  }

  protected parsePrimary(): Node {
    const t = this.tok;
    const start = t.span;
    switch (t.kind) {
      case T.Str:
      case T.RawStr:
        this.advance();
        return { kind: "Str", value: t.text!, raw: t.kind === T.RawStr, span: start };
      case T.InterpStr: {
        this.advance();
        const parts: InterpPart[] = t.segments!.map((seg) =>
          seg.kind === "lit"
            ? { kind: "lit", text: seg.text }
            : { kind: "expr", expr: this.parseEmbedded(seg) },
        );
        return { kind: "Interp", parts, span: start };
      }
      case T.Int:
        this.advance();
        return { kind: "Int", value: t.num as number | bigint, span: start };
      case T.Float:
        this.advance();
        return { kind: "Float", value: t.num as number, span: start };
      case T.Duration:
        this.advance();
        return { kind: "Duration", ms: t.num as number, span: start };
      case T.True:
      case T.False:
        this.advance();
        return { kind: "Bool", value: t.kind === T.True, span: start };
      case T.Nil:
        this.advance();
        return { kind: "Nil", span: start };
      case T.Ident:
        this.advance();
        return { kind: "Ident", name: t.text!, span: start };
      case T.LParen: {
        this.advance();
        const inner = this.parseExpression();
        this.consume(T.RParen, ")");
        return inner;
      }
      case T.Lt:
        if (this.kindAt(1) === T.Lt && this.kindAt(2) === T.Ident) {
          throw this.unexpected(
            "`<<` heredoc-like syntax",
            'an expression — heredocs are only valid inside LLM tool-call argument JSON; for multiline strings in source code use triple-quoted `"""..."""`',
            start,
          );
        }
        break;
      default: {
        const keyed = this.parseKeywordPrimary();
        if (keyed !== undefined) return keyed;
      }
    }
    throw this.error("expression");
  }
}
