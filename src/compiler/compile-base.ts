// Shared compiler state and helpers: the function being compiled, module
// globals, line tracking, name resolution to load/store instructions, and
// the unwinding of pending finally blocks / handlers that every non-local
// exit (break, continue, return) must perform. The compiler is a chain of
// classes (base -> expressions -> control flow -> statements -> module) so
// the mutually recursive parts live in separate files without import cycles.

import { type Diagnostic, errorDiagnostic } from "../diagnostics/diagnostic.ts";
import { Code } from "../diagnostics/messages.ts";
import type { Span } from "../diagnostics/span.ts";
import { Op } from "../bytecode/opcodes.ts";
import type { FnProto } from "../bytecode/proto.ts";
import { expandAliases, typeToSchema } from "../check/type-schema.ts";
import type { Node, Param, TypeExpr } from "../syntax/ast.ts";
import { FnState, type LocalVar, type Resolved } from "./fn-state.ts";

/** Kinds of run-time failures raised by `Op.Fail` (operand 2). */
export enum FailKind {
  Runtime = 0,
  Immutable = 1,
  Thrown = 2,
}

export interface GlobalVar {
  readonly index: number;
  readonly mutable: boolean;
}

export class CompileError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export abstract class CompilerBase {
  protected fn: FnState;
  protected readonly globals = new Map<string, GlobalVar>();
  protected readonly globalNames: string[] = [];
  /** True while compiling the entry pipeline's body (module code, but function-like). */
  protected inPipelineBody = false;
  /** Top-level `type` aliases, lowered to schema constants by `schema_of(T)` and friends. */
  protected readonly typeAliases = new Map<string, TypeExpr>();
  /** Enum type names known at compile time (for `Enum.Variant(x)` patterns). */
  protected readonly enumNames = new Set<string>(["Result"]);

  constructor(protected readonly file: string) {
    this.fn = new FnState(undefined, "<main>", true);
  }

  abstract compileExpr(node: Node): void;
  /** Compiles statements leaving exactly one value (the last expression's, or nil). */
  abstract compileBlockValue(body: readonly Node[]): void;
  /** Compiles statements leaving nothing on the stack. */
  abstract compileBlockDiscard(body: readonly Node[]): void;

  protected fail(message: string, at: Span): never {
    throw new CompileError(errorDiagnostic(Code.InvalidConstruct, message, at));
  }

  protected at(node: { span: Span }): void {
    this.fn.code.line = node.span.line;
    this.fn.code.col = node.span.col;
  }

  protected emit(op: Op, ...operands: number[]): number {
    return this.fn.code.emit(op, ...operands);
  }

  protected emitJump(op: Op, ...leading: number[]): number {
    return this.fn.code.emitJump(op, ...leading);
  }

  protected patch(operandIndex: number, target?: number): void {
    this.fn.code.patch(operandIndex, target);
  }

  protected str(s: string): number {
    return this.fn.code.str(s);
  }

  protected emitConstStr(s: string): void {
    this.emit(Op.Const, this.str(s));
  }

  protected emitFail(message: string, kind = FailKind.Runtime): void {
    this.emit(Op.Fail, this.str(message), kind);
  }

  /** Calls a run-time intrinsic or builtin by name with `argc` values on the stack. */
  protected emitCallName(name: string, argc: number): void {
    this.emit(Op.CallName, this.str(name), argc);
  }

  /** Is this a module's top-level scope, where declarations become globals? */
  protected atModuleTop(): boolean {
    return this.fn.isModuleMain && this.fn.depth === 0;
  }

  protected declareGlobal(name: string, mutable: boolean): GlobalVar {
    const known = this.globals.get(name);
    if (known) return known;
    const g = { index: this.globalNames.length, mutable };
    this.globalNames.push(name);
    this.globals.set(name, g);
    return g;
  }

  protected resolve(name: string): Resolved {
    const local = this.fn.resolveLocal(name);
    if (local) return { kind: "local", local };
    const g = this.globals.get(name);
    if (g) return { kind: "global", index: g.index, mutable: g.mutable };
    return { kind: "name" };
  }

  protected emitLoadLocal(local: LocalVar): void {
    this.emit(local.isCell ? Op.GetCell : Op.GetLocal, local.slot);
  }

  protected emitStoreLocal(local: LocalVar): void {
    this.emit(local.isCell ? Op.SetCell : Op.SetLocal, local.slot);
  }

  protected emitLoadName(name: string): void {
    const r = this.resolve(name);
    if (r.kind === "local") this.emitLoadLocal(r.local);
    else if (r.kind === "global") this.emit(Op.GetGlobal, r.index);
    else this.emit(Op.GetName, this.str(name));
  }

  /** Stores the value on top of the stack into an existing binding (assignment). */
  protected emitAssignName(name: string): void {
    const r = this.resolve(name);
    if (r.kind === "local") {
      if (!r.local.mutable) {
        this.emit(Op.Pop);
        this.emitFail(name, FailKind.Immutable);
      } else {
        this.emitStoreLocal(r.local);
      }
    } else if (r.kind === "global") {
      if (!r.mutable) {
        this.emit(Op.Pop);
        this.emitFail(name, FailKind.Immutable);
      } else {
        this.emit(Op.SetGlobal, r.index);
      }
    } else {
      this.emit(Op.SetName, this.str(name));
    }
  }

  /**
   * Declares `name` in the current scope and stores the value on top of the
   * stack into it. `_` discards. Redeclaring an immutable binding in the same
   * scope is the reference's run-time error.
   */
  protected emitDefine(name: string, mutable: boolean, existingCell?: LocalVar): void {
    if (name === "_") {
      this.emit(Op.Pop);
      return;
    }
    if (this.atModuleTop()) {
      const g = this.globals.get(name) ?? this.declareGlobal(name, mutable);
      this.emit(Op.SetGlobal, g.index);
      return;
    }
    if (existingCell) {
      this.emit(Op.SetCell, existingCell.slot);
      return;
    }
    const previous = this.fn.declaredHere(name);
    if (previous && !previous.mutable && !mutable) {
      this.emit(Op.Pop);
      this.emitFail(
        `Cannot redeclare immutable variable '${name}' in the same scope (use 'var' for mutable bindings)`,
      );
      return;
    }
    const local = this.fn.declare(name, mutable);
    this.emit(Op.SetLocal, local.slot);
  }

  /**
   * Runs the cleanups a jump out of the current construct must perform,
   * innermost first, down to `depth` entries: inline finally bodies and
   * close exception handlers.
   */
  protected emitCleanups(depth: number): void {
    const saved = this.fn.cleanups.slice();
    const savedTry = this.fn.tryDepth;
    for (let i = saved.length - 1; i >= depth; i--) {
      const c = saved[i]!;
      // The finally body runs outside its own try region.
      this.fn.cleanups.length = i;
      if (c.kind === "handler") {
        this.emit(Op.TryEnd);
        this.fn.tryDepth--;
      } else if (c.kind === "release") {
        this.emitRelease(c.intrinsic, c.slot);
      } else {
        this.compileBlockDiscard(c.body);
      }
    }
    this.fn.cleanups.length = 0;
    this.fn.cleanups.push(...saved);
    this.fn.tryDepth = savedTry;
  }

  protected emitRelease(intrinsic: string, slot: number): void {
    this.emit(Op.GetLocal, slot);
    this.emitCallName(intrinsic, 1);
    this.emit(Op.Pop);
  }

  /** Compiles a nested function body into a prototype. */
  protected compileFunction(
    name: string,
    params: readonly Param[],
    body: readonly Node[],
    opts: { implicitReturn: boolean; isStream: boolean; span: Span },
  ): FnProto {
    const outer = this.fn;
    const inner = new FnState(outer, name, false);
    this.fn = inner;
    try {
      for (const p of params) inner.declare(p.name, false);
      inner.isGenerator = opts.isStream || containsYield(body);
      this.at({ span: opts.span });
      this.emitParamDefaults(params);
      this.emitParamChecks(params);
      if (opts.implicitReturn) {
        this.compileBlockValue(body);
      } else {
        this.compileBlockDiscard(body);
        this.emit(Op.Nil);
      }
      this.emit(Op.Return);
      const defaultsStart = params.findIndex((p) => p.defaultValue !== undefined);
      return inner.code.finish({
        name,
        paramNames: params.map((p) => p.name),
        defaultsStart,
        hasRest: params.length > 0 && params[params.length - 1]!.rest,
        nLocals: inner.nLocals,
        captures: inner.captures,
        isGenerator: inner.isGenerator,
        isStream: opts.isStream,
        localNames: inner.localNames,
        file: this.file,
      });
    } finally {
      this.fn = outer;
    }
  }

  /** Runtime checks of annotated parameters whose types have a schema (spec: runtime validation). */
  private emitParamChecks(params: readonly Param[]): void {
    params.forEach((p, i) => {
      if (p.type === undefined || p.rest) return;
      const schema = typeToSchema(p.type);
      if (schema === null) return;
      this.emit(Op.CheckParam, i, this.fn.code.constant({ k: "json", v: schema }));
    });
  }

  /** The schema of type alias `name` as a constant, if it is one and has a schema. */
  protected aliasSchemaConst(name: string): number | undefined {
    const alias = this.typeAliases.get(name);
    if (alias === undefined || this.fn.lookupLocal(name) !== undefined) return undefined;
    const schema = typeToSchema(expandAliases(alias, this.typeAliases));
    return schema === null ? undefined : this.fn.code.constant({ k: "json", v: schema });
  }

  /** Evaluates default values for parameters the caller did not pass (nil counts as passed). */
  private emitParamDefaults(params: readonly Param[]): void {
    params.forEach((p, i) => {
      if (p.defaultValue === undefined) return;
      const skip = this.emitJump(Op.JumpIfArgGiven, i);
      this.compileExpr(p.defaultValue);
      this.emit(Op.SetLocal, i);
      this.patch(skip);
    });
  }
}

/** Does this function body (not nested functions) contain `yield` or `emit`? */
export function containsYield(body: readonly Node[]): boolean {
  const visit = (n: unknown): boolean => {
    if (n === null || typeof n !== "object") return false;
    if (Array.isArray(n)) return n.some(visit);
    const node = n as { kind?: string };
    if (node.kind === "Yield" || node.kind === "Emit") return true;
    if (
      node.kind === "Closure" ||
      node.kind === "FnDecl" ||
      node.kind === "ToolDecl" ||
      node.kind === "Spawn"
    ) {
      return false;
    }
    if (node.kind === "Parallel") return visit((n as { expr: unknown }).expr);
    for (const key in node) {
      if (key !== "span" && visit((node as Record<string, unknown>)[key])) return true;
    }
    return false;
  };
  return body.some(visit);
}
