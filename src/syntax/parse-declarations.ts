// Declarations with their own small grammars: attributes and their
// metadata arguments, function declarations, and the type-level
// declarations (type aliases, enums, structs, interfaces, impl blocks).

import type { Attribute, EnumVariantDecl, InterfaceMethod, Node, StructFieldDecl, TypeExpr } from "./ast.ts";
import { StatementParser } from "./parse-statements.ts";
import { KEYWORDS, T } from "./tokens.ts";

export abstract class DeclarationParser extends StatementParser {
  protected parseAttribute(): Attribute {
    const start = this.consume(T.At, "@").span;
    const name = this.consumeIdent("attribute name");
    const args: { name?: string; value: Node }[] = [];
    if (this.check(T.LParen)) {
      this.advance();
      this.skipNewlines();
      while (!this.check(T.RParen)) {
        if (this.check(T.Ident) && this.kindAt(1) === T.Colon) {
          const key = this.advance().text!;
          this.advance();
          args.push({ name: key, value: this.parseAttributeValue() });
        } else {
          args.push({ value: this.parseAttributeValue() });
        }
        this.skipNewlines();
        if (!this.check(T.Comma)) break;
        this.advance();
        this.skipNewlines();
      }
      this.consume(T.RParen, ")");
    }
    return { name, args, span: this.spanFrom(start) };
  }

  /**
   * `{key: value, ...}` in an attribute (the 0.8 `@step(budget: {...})` and
   * `@persona(stages: [{...}])` forms): keys are names or strings, values
   * attribute values.
   */
  protected parseAttributeDict(): Node {
    const sp = this.consume(T.LBrace, "{").span;
    this.skipNewlines();
    const entries: { key: Node; value: Node }[] = [];
    while (!this.check(T.RBrace)) {
      const k = this.tok;
      if (k.kind !== T.Ident && k.kind !== T.Str) throw this.error("dict key in attribute argument");
      this.advance();
      this.consume(T.Colon, ":");
      this.skipNewlines();
      entries.push({
        key: { kind: "Str", value: k.text!, raw: false, span: k.span },
        value: this.parseAttributeValue(),
      });
      this.skipNewlines();
      if (!this.check(T.Comma)) break;
      this.advance();
      this.skipNewlines();
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "Dict", entries }, sp);
  }

  /** Attribute arguments are literals, identifiers, or lists and dicts of those. */
  protected parseAttributeValue(): Node {
    const t = this.tok;
    const sp = t.span;
    switch (t.kind) {
      case T.Str:
      case T.RawStr:
        this.advance();
        return { kind: "Str", value: t.text!, raw: t.kind === T.RawStr, span: sp };
      case T.Int:
        this.advance();
        return { kind: "Int", value: t.num as number | bigint, span: sp };
      case T.Float:
        this.advance();
        return { kind: "Float", value: t.num as number, span: sp };
      case T.True:
      case T.False:
        this.advance();
        return { kind: "Bool", value: t.kind === T.True, span: sp };
      case T.Nil:
        this.advance();
        return { kind: "Nil", span: sp };
      case T.Ident:
        this.advance();
        return { kind: "Ident", name: t.text!, span: sp };
      case T.LBracket: {
        this.advance();
        this.skipNewlines();
        const elements: Node[] = [];
        while (!this.check(T.RBracket)) {
          elements.push(this.parseAttributeValue());
          this.skipNewlines();
          if (!this.check(T.Comma)) break;
          this.advance();
          this.skipNewlines();
        }
        this.consume(T.RBracket, "]");
        return this.node({ kind: "List", elements }, sp);
      }
      case T.LBrace:
        return this.parseAttributeDict();
      case T.Minus: {
        this.advance();
        const n = this.tok;
        if (n.kind === T.Int) {
          this.advance();
          const v = n.num as number | bigint;
          return { kind: "Int", value: typeof v === "bigint" ? -v : -v, span: this.spanFrom(sp) };
        }
        if (n.kind === T.Float) {
          this.advance();
          return { kind: "Float", value: -(n.num as number), span: this.spanFrom(sp) };
        }
        throw this.error("number after '-' in attribute argument");
      }
      default:
        // A keyword used as a bare name (`error_boundary: continue`) is that name.
        for (const [word, kind] of KEYWORDS) {
          if (kind === t.kind) {
            this.advance();
            return { kind: "Ident", name: word, span: sp };
          }
        }
        throw this.error("attribute argument value (literal or identifier)");
    }
  }

  protected parseFnDecl(isPub: boolean, isStream: boolean): Node {
    const start = this.tok.span;
    if (isStream) this.consumeContextual("gen", "gen");
    this.consume(T.Fn, "fn");
    const name = this.consumeIdent("function name");
    const typeParams = this.parseOptionalTypeParams();
    this.consume(T.LParen, "(");
    const params = this.parseParams(T.RParen);
    this.consume(T.RParen, ")");
    const returnType = this.parseOptionalReturnType();
    const whereClauses = this.parseWhereClauses();
    const body = this.parseBraced();
    return this.node(
      {
        kind: "FnDecl",
        name,
        typeParams,
        params,
        whereClauses,
        body,
        isPub,
        isStream,
        ...(returnType !== undefined && { returnType }),
      },
      start,
    );
  }

  protected parseOptionalReturnType(): TypeExpr | undefined {
    if (!this.check(T.Arrow)) return undefined;
    this.advance();
    return this.parseTypeExpr();
  }

  protected parseTypeDecl(): Node {
    const start = this.consume(T.Type, "type").span;
    const name = this.consumeIdent("type name");
    const typeParams = this.parseOptionalTypeParams();
    this.consume(T.Assign, "=");
    return this.node({ kind: "TypeDecl", name, typeParams, type: this.parseTypeExpr() }, start);
  }

  protected parseEnumDecl(isPub: boolean): Node {
    const start = this.consume(T.Enum, "enum").span;
    const name = this.consumeIdent("enum name");
    const typeParams = this.parseOptionalTypeParams();
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    const variants: EnumVariantDecl[] = [];
    while (!this.atEnd() && !this.check(T.RBrace)) {
      const variant = this.consumeIdent("variant name");
      let fields: EnumVariantDecl["fields"] = [];
      if (this.check(T.LParen)) {
        this.advance();
        fields = this.parseParams(T.RParen);
        this.consume(T.RParen, ")");
      }
      variants.push({ name: variant, fields });
      this.skipListComma();
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "EnumDecl", name, typeParams, variants, isPub }, start);
  }

  protected skipListComma(): void {
    this.skipNewlines();
    if (this.check(T.Comma)) {
      this.advance();
      this.skipNewlines();
    }
  }

  protected parseStructDecl(isPub: boolean): Node {
    const start = this.consume(T.Struct, "struct").span;
    const name = this.consumeIdent("struct name");
    const typeParams = this.parseOptionalTypeParams();
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    const fields: StructFieldDecl[] = [];
    while (!this.atEnd() && !this.check(T.RBrace)) {
      const field = this.consumeIdent("field name");
      const optional = this.check(T.Question);
      if (optional) this.advance();
      const type = this.tryParseTypeAnnotation();
      fields.push({ name: field, optional, ...(type !== undefined && { type }) });
      this.skipListComma();
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "StructDecl", name, typeParams, fields, isPub }, start);
  }

  protected parseInterfaceDecl(): Node {
    const start = this.consume(T.Interface, "interface").span;
    const name = this.consumeIdent("interface name");
    const typeParams = this.parseOptionalTypeParams();
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    const associatedTypes: { name: string; type?: TypeExpr }[] = [];
    const methods: InterfaceMethod[] = [];
    while (!this.atEnd() && !this.check(T.RBrace)) {
      if (this.check(T.Type)) {
        this.advance();
        const assoc = this.consumeIdent("associated type name");
        let type: TypeExpr | undefined;
        if (this.check(T.Assign)) {
          this.advance();
          type = this.parseTypeExpr();
        }
        associatedTypes.push({ name: assoc, ...(type !== undefined && { type }) });
      } else {
        this.consume(T.Fn, "fn");
        const method = this.consumeIdent("method name");
        const methodTypeParams = this.parseOptionalTypeParams();
        this.consume(T.LParen, "(");
        const params = this.parseParams(T.RParen);
        this.consume(T.RParen, ")");
        const returnType = this.parseOptionalReturnType();
        methods.push({
          name: method,
          typeParams: methodTypeParams,
          params,
          ...(returnType !== undefined && { returnType }),
        });
      }
      this.skipNewlines();
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "InterfaceDecl", name, typeParams, associatedTypes, methods }, start);
  }

  protected parseImplBlock(): Node {
    const start = this.consume(T.Impl, "impl").span;
    const typeName = this.consumeIdent("type name");
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    const methods: Node[] = [];
    while (!this.atEnd() && !this.check(T.RBrace)) {
      const isPub = this.check(T.Pub);
      if (isPub) this.advance();
      methods.push(this.parseFnDecl(isPub, false));
      this.skipNewlines();
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "ImplBlock", typeName, methods }, start);
  }
}
