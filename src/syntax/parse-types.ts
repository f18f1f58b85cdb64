// Type annotations: names, generics (`list<int>`, `Result<T, E>`), shapes
// (`{name: string, age?: int}`), unions, literal types and `fn(a) -> b`.

import type { ShapeField, TypeExpr, TypeParam, WhereClause } from "./ast.ts";
import { ParserBase } from "./parser-base.ts";
import { T } from "./tokens.ts";

export class TypeParser extends ParserBase {
  /** After `<`: a comma list of type parameters up to and including `>`. */
  protected parseTypeParamList(): TypeParam[] {
    const params: TypeParam[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.Gt)) {
      let variance: TypeParam["variance"] = "invariant";
      if (this.check(T.In)) {
        this.advance();
        variance = "in";
      } else if (this.checkIdent("out") && this.kindAt(1) === T.Ident) {
        this.advance();
        variance = "out";
      }
      params.push({ name: this.consumeIdent("type parameter name"), variance });
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    this.consume(T.Gt, ">");
    return params;
  }

  protected parseOptionalTypeParams(): TypeParam[] {
    if (!this.check(T.Lt)) return [];
    this.advance();
    return this.parseTypeParamList();
  }

  /** After `<`: type arguments up to and including `>`; at least one. */
  protected parseTypeArgList(): TypeExpr[] {
    const args: TypeExpr[] = [];
    this.skipNewlines();
    if (this.check(T.Gt)) throw this.error("type argument");
    while (!this.atEnd() && !this.check(T.Gt)) {
      args.push(this.parseTypeExpr());
      this.skipNewlines();
      if (!this.check(T.Comma)) break;
      this.advance();
      this.skipNewlines();
    }
    this.consume(T.Gt, ">");
    return args;
  }

  protected parseWhereClauses(): WhereClause[] {
    if (!this.checkIdent("where")) return [];
    this.advance();
    const clauses: WhereClause[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.check(T.LBrace) || this.atEnd()) break;
      const typeName = this.consumeIdent("type parameter name");
      this.consume(T.Colon, ":");
      clauses.push({ typeName, bound: this.consumeIdent("type bound") });
      if (!this.check(T.Comma)) break;
      this.advance();
    }
    return clauses;
  }

  protected tryParseTypeAnnotation(): TypeExpr | undefined {
    if (!this.check(T.Colon)) return undefined;
    this.advance();
    return this.parseTypeExpr();
  }

  protected parseTypeExpr(): TypeExpr {
    this.skipNewlines();
    const first = this.parseTypePrimary();
    if (!this.check(T.Bar)) return first;
    const types = [first];
    while (this.check(T.Bar)) {
      this.advance();
      types.push(this.parseTypePrimary());
    }
    return { kind: "Union", types };
  }

  private parseTypePrimary(): TypeExpr {
    this.skipNewlines();
    const t = this.tok;
    switch (t.kind) {
      case T.LBrace:
        return this.parseShapeType();
      case T.LBracket: {
        this.advance();
        const elem = this.parseTypeExpr();
        this.consume(T.RBracket, "]");
        return { kind: "List", elem };
      }
      case T.Nil:
        this.advance();
        return { kind: "Named", name: "nil" };
      case T.True:
      case T.False:
        this.advance();
        return { kind: "Named", name: "bool" };
      case T.Str:
      case T.RawStr:
        this.advance();
        return { kind: "LitString", value: t.text! };
      case T.Int:
        this.advance();
        return { kind: "LitInt", value: t.num as number | bigint };
      case T.Minus: {
        const next = this.tokenAt(1);
        if (next?.kind === T.Int) {
          this.advance();
          this.advance();
          const v = next.num as number | bigint;
          return { kind: "LitInt", value: typeof v === "bigint" ? -v : -v };
        }
        break;
      }
      case T.Fn:
        return this.parseFnType();
      default:
        break;
    }
    const name = this.consumeIdent("type name");
    if (name === "never") return { kind: "Never" };
    if (!this.check(T.Lt)) return { kind: "Named", name };
    this.advance();
    const args = this.parseTypeArgList();
    return appliedType(name, args);
  }

  private parseFnType(): TypeExpr {
    this.advance();
    this.consume(T.LParen, "(");
    const params: TypeExpr[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RParen)) {
      params.push(this.parseTypeExpr());
      this.skipNewlines();
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    this.consume(T.RParen, ")");
    this.consume(T.Arrow, "->");
    return { kind: "Fn", params, ret: this.parseTypeExpr() };
  }

  private parseShapeType(): TypeExpr {
    this.consume(T.LBrace, "{");
    const fields: ShapeField[] = [];
    this.skipNewlines();
    while (!this.atEnd() && !this.check(T.RBrace)) {
      const name = this.consumeIdentOrKeyword("field name");
      const optional = this.check(T.Question);
      if (optional) this.advance();
      this.consume(T.Colon, ":");
      fields.push({ name, type: this.parseTypeExpr(), optional });
      this.skipNewlines();
      if (this.check(T.Comma)) {
        this.advance();
        this.skipNewlines();
      }
    }
    this.consume(T.RBrace, "}");
    return { kind: "Shape", fields };
  }
}

function appliedType(name: string, args: TypeExpr[]): TypeExpr {
  const [a, b] = args;
  if (args.length === 1 && a) {
    if (name === "list") return { kind: "List", elem: a };
    if (name === "iter" || name === "Iter") return { kind: "Iter", elem: a };
    if (name === "Generator" || name === "generator") return { kind: "Generator", elem: a };
    if (name === "Stream" || name === "stream") return { kind: "Stream", elem: a };
  }
  if (args.length === 2 && a && b && name === "dict") return { kind: "Dict", key: a, value: b };
  return { kind: "Applied", name, args };
}
