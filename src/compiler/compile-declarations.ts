// Declarations inside code: attributed declarations, local and module
// functions, tool/skill/eval_pack/override declarations, and the types
// (struct, enum, interface, type alias) and impl blocks that intrinsics
// register at run time.

import { Op } from "../bytecode/opcodes.ts";
import type { TypeDeclInfo } from "../bytecode/proto.ts";
import { expandAliases, type SchemaJson, typeToSchema } from "../check/type-schema.ts";
import type { Node, NodeOf, TypeExpr } from "../syntax/ast.ts";
import { MatchCompiler } from "./compile-match.ts";

export /** Declarations defined before the other statements of their block. */
const HOISTED = new Set<Node["kind"]>([
  "FnDecl",
  "StructDecl",
  "EnumDecl",
  "InterfaceDecl",
  "ImplBlock",
  "TypeDecl",
]);

export abstract class DeclarationCompiler extends MatchCompiler {
  protected compileAttributed(node: NodeOf<"AttributedDecl">): void {
    const inner = node.inner;
    if (inner.kind === "FnDecl") this.compileFnDecl(inner);
    else if (!HOISTED.has(inner.kind)) this.compileStatement(inner, false);
  }

  /**
   * A statement-position `eval_pack` runs its body and then `summarize`,
   * in a scope where `id`, `version` and each declared field are bound to
   * the registered pack's values.
   */
  protected compileEvalPackBody(node: NodeOf<"EvalPackDecl">): void {
    if (node.body.length === 0 && node.summarize === undefined) return;
    const span = node.span;
    const at = <T extends object>(init: T): T & { span: typeof span } => ({ ...init, span });
    const pack: Node = at({ kind: "Ident", name: node.bindingName });
    const names = ["id", "version", ...node.fields.map(([k]) => k)];
    const lets: Node[] = [...new Set(names)].map(
      (name) =>
        at({
          kind: "Let",
          pattern: { kind: "Ident", name },
          value: at({ kind: "Property", object: pack, name, optional: false }),
        }) as Node,
    );
    this.compileBody([...lets, ...node.body, ...(node.summarize ?? [])], false);
  }

  protected compileFnDecl(node: NodeOf<"FnDecl">): void {
    if (this.atModuleTop()) return; // defined in the module prologue
    const proto = this.compileFunction(node.name, node.params, node.body, {
      implicitReturn: false,
      isStream: node.isStream,
      span: node.span,
    });
    this.at(node);
    this.emit(Op.Closure, this.fn.code.addProto(proto));
    const cell = this.fn.lookupLocal(node.name);
    this.emitDefine(node.name, false, cell?.isCell ? cell : undefined);
  }

  /** Emits the closure for a module-level function and stores it in its global. */
  protected defineModuleFn(node: NodeOf<"FnDecl">): void {
    const proto = this.compileFunction(node.name, node.params, node.body, {
      implicitReturn: false,
      isStream: node.isStream,
      span: node.span,
    });
    this.at(node);
    this.emit(Op.Closure, this.fn.code.addProto(proto));
    this.emit(Op.SetGlobal, this.declareGlobal(node.name, false).index);
  }

  /**
   * `tool NAME(params) -> T { body }` binds NAME to a one-tool registry:
   * `__tool_decl(name, description, handler, params, defaults, returns)`
   * (llm/tools/decl.ts) where `params` is a constant list of `{name, schema,
   * has_default}` (annotation schemas in Harn form, aliases expanded),
   * `defaults` the default values evaluated here, and `returns` the return
   * annotation's schema or nil. [tools/skills engineer: lowering added for
   * tool declarations; previously the registry was discarded.]
   */
  protected compileToolDecl(node: NodeOf<"ToolDecl">): void {
    const schemaOf = (type: TypeExpr | undefined): SchemaJson | null =>
      type === undefined ? null : typeToSchema(expandAliases(type, this.typeAliases));
    this.emitConstStr(node.name);
    this.emitConstStr(node.description ?? "");
    const proto = this.compileFunction(node.name, node.params, node.body, {
      implicitReturn: true,
      isStream: false,
      span: node.span,
    });
    this.emit(Op.Closure, this.fn.code.addProto(proto));
    const params: SchemaJson[] = node.params.map((p) => ({
      name: p.name,
      schema: schemaOf(p.type),
      has_default: p.defaultValue !== undefined,
    }));
    this.emit(Op.Const, this.fn.code.constant({ k: "json", v: params }));
    for (const p of node.params) {
      if (p.defaultValue === undefined) this.emit(Op.Nil);
      else this.compileExpr(p.defaultValue);
    }
    this.emit(Op.MakeList, node.params.length);
    this.emit(Op.Const, this.fn.code.constant({ k: "json", v: schemaOf(node.returnType) }));
    this.at(node);
    this.emitCallName("__tool_decl", 6);
    this.emitDefine(node.name, false);
  }

  protected compileDeclaration(node: Node): void {
    this.at(node);
    switch (node.kind) {
      case "StructDecl":
        this.emitDecl({
          kind: "struct",
          name: node.name,
          fields: node.fields.map((f) => ({
            name: f.name,
            optional: f.optional,
            ...(f.type && { type: f.type }),
          })),
        });
        this.emitDefine(node.name, false);
        return;
      case "EnumDecl":
        this.emitDecl({
          kind: "enum",
          name: node.name,
          variants: node.variants.map((v) => ({ name: v.name, fields: v.fields.map((f) => f.name) })),
        });
        this.emitDefine(node.name, false);
        return;
      case "InterfaceDecl":
        this.emitDecl({ kind: "interface", name: node.name, methods: node.methods.map((m) => m.name) });
        this.emitDefine(node.name, false);
        return;
      case "ImplBlock":
        this.compileImpl(node);
        return;
      case "TypeDecl":
        return;
      case "ToolDecl":
        this.compileToolDecl(node);
        return;
      case "SkillDecl":
        this.emitConstStr(node.name);
        this.compileDict(
          node.fields.map(([k, v]) => ({
            key: { kind: "Str", value: k, raw: false, span: v.span },
            value: v,
          })),
        );
        this.emitCallName("__skill_decl", 2);
        this.emitDefine(node.name, false);
        return;
      case "EvalPackDecl":
        this.emitConstStr(node.packId);
        this.compileDict(
          node.fields.map(([k, v]) => ({
            key: { kind: "Str", value: k, raw: false, span: v.span },
            value: v,
          })),
        );
        this.emitCallName("__eval_pack_decl", 2);
        this.emitDefine(node.bindingName, false);
        if (!this.atModuleTop()) this.compileEvalPackBody(node);
        return;
      case "OverrideDecl": {
        const params = node.params.map((name) => ({ name, rest: false, span: node.span }));
        const proto = this.compileFunction(node.name, params, node.body, {
          implicitReturn: false,
          isStream: false,
          span: node.span,
        });
        this.emit(Op.Closure, this.fn.code.addProto(proto));
        this.emitDefine(node.name, false);
        return;
      }
      default:
        return;
    }
  }

  protected emitDecl(info: TypeDeclInfo): void {
    this.emit(Op.Const, this.fn.code.constant({ k: "decl", v: info }));
    this.emitCallName("__declare_type", 1);
  }

  protected compileImpl(node: NodeOf<"ImplBlock">): void {
    this.emitLoadName(node.typeName);
    const entries = node.methods.map((m) => {
      const fn = m as NodeOf<"FnDecl">;
      return { key: { kind: "Str", value: fn.name, raw: false, span: fn.span } as Node, value: m };
    });
    for (const e of entries) {
      const fn = e.value as NodeOf<"FnDecl">;
      this.emitConstStr(fn.name);
      const proto = this.compileFunction(fn.name, fn.params, fn.body, {
        implicitReturn: false,
        isStream: fn.isStream,
        span: fn.span,
      });
      this.emit(Op.Closure, this.fn.code.addProto(proto));
    }
    this.emit(Op.MakeDict, entries.length);
    this.emitCallName("__declare_impl", 2);
    this.emit(Op.Pop);
  }
}
