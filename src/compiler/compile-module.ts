// Compiles a whole file. Entry selection follows the spec ("Program
// entry"): `pipeline default`, else the first pipeline, else script mode
// (all top-level statements in order). Top-level declarations become module
// globals shared by every function of the file; they are defined first
// (types, impls, functions), then top-level let/var run in order, then the
// entry pipeline's body (after its `extends` ancestors' bodies).

import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { Op } from "../bytecode/opcodes.ts";
import type { CompiledModule, ImportRequest } from "../bytecode/proto.ts";
import type { Node, NodeOf } from "../syntax/ast.ts";
import { peelAttributes } from "../syntax/ast.ts";
import { CompileError } from "./compile-base.ts";
import { StatementCompiler } from "./compile-statements.ts";
import { registrationsOf } from "./runtime-attributes.ts";

export interface CompileResult {
  readonly module?: CompiledModule;
  readonly diagnostics: Diagnostic[];
}

export interface CompileOptions {
  /** An imported module: its pipelines are declared but not run. */
  readonly library?: boolean;
  /** Run this pipeline instead of the default entry (test runners). */
  readonly entry?: string;
}

/** Compile a parsed file. `file` is used for error locations and module identity. */
export function compileModule(
  program: readonly Node[],
  file: string,
  options: CompileOptions = {},
): CompileResult {
  try {
    return { module: new ModuleCompiler(file, options).compile(program), diagnostics: [] };
  } catch (e) {
    if (e instanceof CompileError) return { diagnostics: [e.diagnostic] };
    throw e;
  }
}

type PipelineNode = NodeOf<"Pipeline">;

function findPipeline(program: readonly Node[], name?: string): PipelineNode | undefined {
  for (const n of program) {
    const d = peelAttributes(n).decl;
    if (d.kind === "Pipeline" && (name === undefined || d.name === name)) return d;
  }
  return undefined;
}

const TYPE_DECLS = new Set<Node["kind"]>(["StructDecl", "EnumDecl", "InterfaceDecl", "TypeDecl"]);

class ModuleCompiler extends StatementCompiler {
  private readonly library: boolean;

  constructor(
    file: string,
    private readonly options: CompileOptions,
  ) {
    super(file);
    this.library = options.library === true;
  }

  compile(program: readonly Node[]): CompiledModule {
    collectEnumNames(program, this.enumNames);
    for (const n of program) {
      const d = peelAttributes(n).decl;
      if (d.kind === "TypeDecl") this.typeAliases.set(d.name, d.type);
    }
    const decls = program.map((n) => peelAttributes(n).decl);
    const imports = this.collectImports(program);
    this.predeclareGlobals(decls);
    const entry =
      this.options.entry !== undefined
        ? findPipeline(program, this.options.entry)
        : (findPipeline(program, "default") ?? findPipeline(program));
    if (this.options.entry !== undefined && !entry) {
      this.fail(
        `no pipeline named '${this.options.entry}'`,
        program[0]?.span ?? { start: 0, end: 0, line: 1, col: 1, endLine: 1 },
      );
    }
    // Types, then impls, then functions: a function body may name a type.
    for (const d of decls) if (TYPE_DECLS.has(d.kind)) this.compileDeclaration(d);
    for (const d of decls) if (d.kind === "ImplBlock") this.compileDeclaration(d);
    for (const d of decls) if (d.kind === "FnDecl") this.defineModuleFn(d);
    this.emitRegistrations(program);
    if (entry) this.compilePipelineMode(program, entry);
    else this.compileScriptMode(program);
    const main = this.fn.code.finish({
      name: entry ? entry.name : "<main>",
      paramNames: [],
      defaultsStart: -1,
      hasRest: false,
      nLocals: this.fn.nLocals,
      captures: [],
      isGenerator: false,
      isStream: false,
      localNames: this.fn.localNames,
      file: this.file,
    });
    return { main, globals: this.globalNames, exports: exportedNames(decls), imports, file: this.file };
  }

  /** `@step` / `@persona` functions register with the step runtime as the module loads. */
  private emitRegistrations(program: readonly Node[]): void {
    for (const r of registrationsOf(program)) {
      this.at(r.at);
      this.emit(Op.Const, this.str(r.fnName));
      this.compileExpr(r.metadata);
      this.emitCallName(r.intrinsic, 2);
      this.emit(Op.Pop);
    }
  }

  private collectImports(program: readonly Node[]): ImportRequest[] {
    const out: ImportRequest[] = [];
    for (const n of program) {
      if (n.kind === "Import") out.push({ path: n.path, isPub: n.isPub, line: n.span.line });
      else if (n.kind === "SelectiveImport")
        out.push({ path: n.path, names: n.names, isPub: n.isPub, line: n.span.line });
    }
    return out;
  }

  /** Every top-level binding gets a global slot before any code is compiled. */
  private predeclareGlobals(decls: readonly Node[]): void {
    for (const d of decls) {
      switch (d.kind) {
        case "Let":
        case "Var":
          for (const name of patternNames(d.pattern)) this.declareGlobal(name, d.kind === "Var");
          break;
        case "FnDecl":
        case "StructDecl":
        case "EnumDecl":
        case "InterfaceDecl":
        case "SkillDecl":
        case "ToolDecl": // [tools/skills engineer] a tool declaration binds its name like a skill
        case "OverrideDecl":
          this.declareGlobal(d.name, false);
          break;
        case "EvalPackDecl":
          this.declareGlobal(d.bindingName, false);
          break;
        default:
          break;
      }
    }
  }

  private compilePipelineMode(program: readonly Node[], entry: PipelineNode): void {
    for (const n of program) {
      const d = peelAttributes(n).decl;
      if (d.kind === "Let" || d.kind === "Var") this.compileStatement(d, false);
    }
    for (const n of program) {
      const d = peelAttributes(n).decl;
      if (d.kind === "ToolDecl" || d.kind === "SkillDecl" || d.kind === "EvalPackDecl")
        this.compileDeclaration(d);
    }
    if (this.library) {
      this.emit(Op.Nil);
      this.emit(Op.Return);
      return;
    }
    this.fn.pushScope();
    for (const p of entry.params) {
      this.emit(Op.Nil);
      this.emitDefine(p, false);
    }
    const body = [...ancestorBodies(program, entry, new Set()), ...entry.body];
    this.at(entry);
    this.inPipelineBody = true;
    this.compileBlockValue(body);
    this.inPipelineBody = false;
    this.fn.popScope();
    this.emit(Op.Return);
  }

  private compileScriptMode(program: readonly Node[]): void {
    for (const n of program) {
      const d = peelAttributes(n).decl;
      if (TYPE_DECLS.has(d.kind) || d.kind === "ImplBlock" || d.kind === "FnDecl") continue;
      if (d.kind === "Import" || d.kind === "SelectiveImport") continue;
      this.compileStatement(n, false);
    }
    this.emit(Op.Nil);
    this.emit(Op.Return);
  }
}

/** Bodies of the pipelines `entry` extends, outermost ancestor first. */
function ancestorBodies(program: readonly Node[], entry: PipelineNode, seen: Set<string>): Node[] {
  if (entry.extends === undefined || seen.has(entry.name)) return [];
  seen.add(entry.name);
  const parent = findPipeline(program, entry.extends);
  if (!parent) return [];
  return [...ancestorBodies(program, parent, seen), ...parent.body];
}

function patternNames(p: NodeOf<"Let">["pattern"]): string[] {
  switch (p.kind) {
    case "Ident":
      return p.name === "_" ? [] : [p.name];
    case "Dict":
      return p.fields.map((f) => (f.rest ? f.key : (f.alias ?? f.key))).filter((n) => n !== "_");
    case "List":
      return p.elements.map((e) => e.name).filter((n) => n !== "_");
    case "Pair":
      return [p.first, p.second];
  }
}

/** `pub` functions, or every function when none is `pub`; plus public types. */
function exportedNames(decls: readonly Node[]): string[] {
  const fns = decls.filter((d): d is NodeOf<"FnDecl"> => d.kind === "FnDecl");
  const pubFns = fns.filter((f) => f.isPub);
  const names = (pubFns.length > 0 ? pubFns : fns).map((f) => f.name);
  for (const d of decls) {
    if ((d.kind === "StructDecl" || d.kind === "EnumDecl") && d.isPub) names.push(d.name);
    if ((d.kind === "ToolDecl" || d.kind === "SkillDecl") && d.isPub) names.push(d.name);
  }
  return names;
}

function collectEnumNames(nodes: unknown, out: Set<string>): void {
  if (nodes === null || typeof nodes !== "object") return;
  if (Array.isArray(nodes)) {
    for (const n of nodes) collectEnumNames(n, out);
    return;
  }
  const n = nodes as { kind?: string; name?: string };
  if (n.kind === "EnumDecl" && n.name) out.add(n.name);
  for (const key in n) if (key !== "span") collectEnumNames((n as Record<string, unknown>)[key], out);
}
