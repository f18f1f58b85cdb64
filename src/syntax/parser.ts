// The parser entry point and the top-level items: pipelines, imports,
// `pub`, attributed declarations, tool, skill and eval_pack (functions,
// attributes and type-level declarations: parse-declarations.ts).
// `parse()` turns source text into a program plus diagnostics; it recovers
// at top-level items so one run reports several syntax errors.

import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Attribute, Node, TypeExpr } from "./ast.ts";
import { lex } from "./lexer.ts";
import { ParseError } from "./parser-base.ts";
import { DeclarationParser } from "./parse-declarations.ts";
import { KEYWORDS, type StringSegment, T, type Token } from "./tokens.ts";

export interface ParseResult {
  readonly program: Node[];
  /** Lexer and parser errors, in source order; empty on success. */
  readonly diagnostics: Diagnostic[];
}

/** Lex and parse a whole file. */
export function parse(source: string): ParseResult {
  const lexed = lex(source);
  if (lexed.error) return { program: [], diagnostics: [lexed.error] };
  const parser = new Parser(lexed.tokens);
  const program = parser.parseProgram();
  return { program, diagnostics: parser.errors };
}

const DECLARATION_KINDS = new Set<Node["kind"]>([
  "FnDecl",
  "ToolDecl",
  "SkillDecl",
  "EvalPackDecl",
  "Pipeline",
  "StructDecl",
  "EnumDecl",
  "TypeDecl",
  "InterfaceDecl",
  "ImplBlock",
]);

class Parser extends DeclarationParser {
  parseProgram(): Node[] {
    const nodes: Node[] = [];
    this.skipNewlines();
    while (!this.atEnd()) {
      if (this.check(T.RBrace)) {
        this.advance();
        this.skipNewlines();
        continue;
      }
      try {
        const node = this.check(T.Pipeline) ? this.parsePipeline(false) : this.parseStatement();
        nodes.push(node);
        if (!this.consumeSeparator() && !this.atEnd())
          this.requireSeparator(node.span.endLine, "top-level item");
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.errors.push(e.diagnostic);
        this.synchronize();
      }
    }
    return nodes;
  }

  protected parseEmbedded(seg: Extract<StringSegment, { kind: "expr" }>): Node {
    let lexed = lex(seg.source, seg.line, seg.col, seg.offset);
    if (lexed.error && seg.source.includes('\\"')) {
      // `"${x ?? \"none\"}"`: the author escaped the inner quotes for the
      // outer string; read them as the string literal they were meant to be.
      const unescaped = lex(seg.source.replace(/\\(["\\])/g, "$1"), seg.line, seg.col, seg.offset);
      if (!unescaped.error) lexed = unescaped;
    }
    if (lexed.error) throw new ParseError(lexed.error);
    const inner = new Parser(lexed.tokens);
    const expr = inner.parseExpression();
    inner.skipNewlines();
    if (!inner.atEnd()) throw inner.error("end of interpolated expression");
    return expr;
  }

  protected parseDeclaration(): Node | undefined {
    switch (this.tok.kind) {
      case T.At:
        return this.parseAttributed();
      case T.Import:
        return this.parseImport(false);
      case T.Fn:
        return this.parseFnDecl(false, false);
      case T.Tool:
        return this.parseToolDecl(false);
      case T.Skill:
        return this.parseSkillDecl(false);
      case T.EvalPack:
        return this.parseEvalPackDecl(false);
      case T.Pub:
        return this.parsePub();
      case T.Type:
        return this.parseTypeDecl();
      case T.Enum:
        return this.parseEnumDecl(false);
      case T.Struct:
        return this.parseStructDecl(false);
      case T.Interface:
        return this.parseInterfaceDecl();
      case T.Impl:
        return this.parseImplBlock();
      case T.Ident:
        return this.isGenFn() ? this.parseFnDecl(false, true) : undefined;
      default:
        return undefined;
    }
  }

  private isGenFn(): boolean {
    return this.checkIdent("gen") && this.kindAt(1) === T.Fn;
  }

  private parsePub(): Node {
    this.advance();
    const expected = "fn, tool, skill, eval_pack, struct, enum, pipeline, or import after pub";
    switch (this.tok.kind) {
      case T.Fn:
        return this.parseFnDecl(true, false);
      case T.Tool:
        return this.parseToolDecl(true);
      case T.Skill:
        return this.parseSkillDecl(true);
      case T.EvalPack:
        return this.parseEvalPackDecl(true);
      case T.Pipeline:
        return this.parsePipeline(true);
      case T.Enum:
        return this.parseEnumDecl(true);
      case T.Struct:
        return this.parseStructDecl(true);
      case T.Import:
        return this.parseImport(true);
      default:
        if (this.isGenFn()) return this.parseFnDecl(true, true);
        throw this.error(expected);
    }
  }

  private parsePipeline(isPub: boolean): Node {
    const start = this.consume(T.Pipeline, "pipeline").span;
    const name = this.consumeIdent("pipeline name");
    this.consume(T.LParen, "(");
    const params = this.parseNameList();
    this.consume(T.RParen, ")");
    let returnType: TypeExpr | undefined;
    if (this.check(T.Arrow)) {
      this.advance();
      returnType = this.parseTypeExpr();
    }
    let parent: string | undefined;
    if (this.check(T.Extends)) {
      this.advance();
      parent = this.consumeIdent("parent pipeline name");
    }
    const body = this.parseBraced();
    return this.node(
      {
        kind: "Pipeline",
        name,
        params,
        body,
        isPub,
        ...(returnType !== undefined && { returnType }),
        ...(parent !== undefined && { extends: parent }),
      },
      start,
    );
  }

  private parseImport(isPub: boolean): Node {
    const start = this.consume(T.Import, "import").span;
    if (this.check(T.LBrace)) {
      this.advance();
      this.skipNewlines();
      const names: string[] = [];
      while (!this.atEnd() && !this.check(T.RBrace)) {
        names.push(this.consumeIdent("import name"));
        this.skipNewlines();
        if (this.check(T.Comma)) {
          this.advance();
          this.skipNewlines();
        }
      }
      this.consume(T.RBrace, "}");
      this.consume(T.From, "from");
      if (!this.check(T.Str)) throw this.error("import path string");
      const path = this.advance().text!;
      return this.node({ kind: "SelectiveImport", names, path, isPub }, start);
    }
    if (!this.check(T.Str)) throw this.error("import path string");
    const path = this.advance().text!;
    return this.node({ kind: "Import", path, isPub }, start);
  }

  private parseAttributed(): Node {
    const start = this.tok.span;
    const attributes: Attribute[] = [];
    while (this.check(T.At)) {
      attributes.push(this.parseAttribute());
      this.skipNewlines();
    }
    const inner = this.check(T.Pipeline) ? this.parsePipeline(false) : this.parseStatement();
    if (!DECLARATION_KINDS.has(inner.kind)) {
      throw this.unexpected(
        "non-declaration statement",
        "fn/tool/skill/eval_pack/pipeline/struct/enum/type/interface/impl declaration after `@attr`",
        inner.span,
      );
    }
    return this.node({ kind: "AttributedDecl", attributes, inner }, start);
  }

  private parseToolDecl(isPub: boolean): Node {
    const start = this.consume(T.Tool, "tool").span;
    const name = this.consumeIdent("tool name");
    this.consume(T.LParen, "(");
    const params = this.parseParams(T.RParen);
    this.consume(T.RParen, ")");
    const returnType = this.parseOptionalReturnType();
    this.consume(T.LBrace, "{");
    this.skipNewlines();
    let description: string | undefined;
    if (this.checkIdent("description")) {
      const saved = this.pos;
      this.advance();
      this.skipNewlines();
      if (this.check(T.Str)) description = this.advance().text!;
      else this.pos = saved;
    }
    if (description !== undefined && !this.consumeSeparator() && !this.check(T.RBrace)) {
      this.requireSeparator(this.prevSpan.endLine, "tool body item");
    }
    const body = this.parseBlock();
    this.consume(T.RBrace, "}");
    return this.node(
      {
        kind: "ToolDecl",
        name,
        params,
        body,
        isPub,
        ...(returnType !== undefined && { returnType }),
        ...(description !== undefined && { description }),
      },
      start,
    );
  }

  private parseSkillDecl(isPub: boolean): Node {
    const start = this.consume(T.Skill, "skill").span;
    const name = this.consumeIdent("skill name");
    this.consume(T.LBrace, "{");
    const fields: [string, Node][] = [];
    for (;;) {
      this.skipNewlines();
      if (this.check(T.RBrace)) break;
      const field = this.consumeIdent("skill field name");
      this.skipNewlines();
      const value = this.parseExpression();
      fields.push([field, value]);
      if (!this.consumeSeparator() && !this.check(T.RBrace))
        this.requireSeparator(value.span.endLine, "skill field");
    }
    this.consume(T.RBrace, "}");
    return this.node({ kind: "SkillDecl", name, fields, isPub }, start);
  }

  private parseEvalPackDecl(isPub: boolean): Node {
    const start = this.consume(T.EvalPack, "eval_pack").span;
    let bindingName: string;
    let packId: string;
    if (this.check(T.Ident)) {
      bindingName = this.advance().text!;
      packId = this.check(T.Str) ? this.advance().text! : bindingName;
    } else if (this.check(T.Str)) {
      packId = this.advance().text!;
      bindingName = evalPackBinding(packId);
    } else {
      throw this.error("eval_pack name or string id");
    }
    this.consume(T.LBrace, "{");
    const fields: [string, Node][] = [];
    const body: Node[] = [];
    let summarize: Node[] | undefined;
    for (;;) {
      this.skipNewlines();
      if (this.check(T.RBrace)) break;
      if (this.checkIdent("summarize") && this.kindAt(1) === T.LBrace) {
        const at = this.advance().span;
        const block = this.parseBraced();
        if (summarize !== undefined)
          throw this.unexpected("duplicate summarize block", "one summarize block", at);
        summarize = block;
        if (!this.consumeSeparator() && !this.check(T.RBrace)) {
          this.requireSeparator(this.prevSpan.endLine, "eval_pack item");
        }
        continue;
      }
      if (this.check(T.Ident) && this.kindAt(1) === T.Colon) {
        const field = this.advance().text!;
        this.advance();
        this.skipNewlines();
        const value = this.parseExpression();
        fields.push([field, value]);
        if (!this.consumeSeparator() && !this.check(T.RBrace)) {
          this.requireSeparator(value.span.endLine, "eval_pack field");
        }
        continue;
      }
      const stmt = this.parseStatement();
      body.push(stmt);
      if (!this.consumeSeparator() && !this.check(T.RBrace)) {
        this.requireSeparator(stmt.span.endLine, "eval_pack body statement");
      }
    }
    this.consume(T.RBrace, "}");
    return this.node(
      { kind: "EvalPackDecl", bindingName, packId, fields, body, isPub, ...(summarize && { summarize }) },
      start,
    );
  }
}

/** The variable an `eval_pack "some-id" { }` binds: the id made into an identifier. */
function evalPackBinding(id: string): string {
  const out = id
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .toLowerCase()
    .replace(/^_+|_+$/g, "");
  if (out === "") return "eval_pack_";
  if (!KEYWORDS.has(out) && /^[a-z_]/.test(out)) return out;
  return `eval_pack_${out}`;
}

/** For tests and tooling: parse a token list that is already lexed. */
export function parseTokens(tokens: Token[]): ParseResult {
  const parser = new Parser(tokens);
  return { program: parser.parseProgram(), diagnostics: parser.errors };
}
