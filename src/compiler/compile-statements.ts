// Statements and blocks: scoping, hoisting of local `fn` declarations into
// shared cells (so local functions can recurse and call each other),
// `defer` (the rest of the block runs inside try/finally), let/var with
// destructuring patterns, assignment to names/properties/indexes (values
// are immutable, so `a.b[i] = v` rebuilds `a.b` and then `a`). Declarations
// are compiled by compile-declarations.ts.

import { Op } from "../bytecode/opcodes.ts";
import type { BindingPattern, Node, NodeOf } from "../syntax/ast.ts";
import { peelAttributes } from "../syntax/ast.ts";
import { DeclarationCompiler, HOISTED } from "./compile-declarations.ts";
import type { LocalVar } from "./fn-state.ts";

const COMPOUND_OPS: Record<string, Op> = { "+": Op.Add, "-": Op.Sub, "*": Op.Mul, "/": Op.Div, "%": Op.Mod };

export abstract class StatementCompiler extends DeclarationCompiler {
  compileBlockValue(body: readonly Node[]): void {
    this.compileScoped(body, true);
  }

  compileBlockDiscard(body: readonly Node[]): void {
    this.compileScoped(body, false);
  }

  protected compileNodeValue(node: Node): void {
    this.compileStatement(node, true);
  }

  private compileScoped(body: readonly Node[], want: boolean): void {
    this.fn.pushScope();
    this.hoistDeclarations(body);
    this.compileSequence(body, 0, want);
    this.fn.popScope();
  }

  /** Local functions get cells up front; type declarations are defined first. */
  protected hoistDeclarations(body: readonly Node[]): void {
    for (const stmt of body) {
      const decl = peelAttributes(stmt).decl;
      if (decl.kind === "FnDecl" && !this.atModuleTop()) {
        const local = this.fn.declare(decl.name, false, true);
        this.emit(Op.NewCell, local.slot);
      }
    }
    for (const stmt of body) {
      const decl = peelAttributes(stmt).decl;
      if (HOISTED.has(decl.kind) && decl.kind !== "FnDecl") this.compileDeclaration(decl);
    }
  }

  private compileSequence(body: readonly Node[], from: number, want: boolean): void {
    if (from >= body.length) {
      if (want) this.emit(Op.Nil);
      return;
    }
    for (let i = from; i < body.length; i++) {
      const stmt = body[i]!;
      const last = i === body.length - 1;
      if (stmt.kind === "Defer") {
        this.compileDefer(stmt.body, body, i + 1, want);
        return;
      }
      this.compileStatement(stmt, want && last);
    }
  }

  /** `defer { d }; rest...` == `try { rest... } finally { d }` (LIFO for several defers). */
  private compileDefer(deferred: readonly Node[], body: readonly Node[], from: number, want: boolean): void {
    this.fn.cleanups.push({ kind: "finally", body: deferred });
    const toCatch = this.emitJump(Op.TryBegin);
    this.fn.tryDepth++;
    this.fn.cleanups.push({ kind: "handler" });
    this.compileSequence(body, from, want);
    this.emit(Op.TryEnd);
    this.fn.tryDepth--;
    this.fn.cleanups.pop();
    this.fn.cleanups.pop();
    this.compileBlockDiscard(deferred);
    const toEnd = this.emitJump(Op.Jump);
    this.patch(toCatch);
    const err = this.fn.temp("err");
    this.emit(Op.SetLocal, err);
    this.compileBlockDiscard(deferred);
    this.emit(Op.GetLocal, err);
    this.emit(Op.Rethrow);
    this.patch(toEnd);
  }

  protected compileStatement(node: Node, want: boolean): void {
    this.at(node);
    switch (node.kind) {
      case "Let":
      case "Var":
        this.compileBinding(node);
        break;
      case "Assign":
        this.compileAssign(node);
        break;
      case "If":
        return this.compileIf(node, want);
      case "While":
        return this.compileWhile(node, want);
      case "ForIn":
        return this.compileFor(node, want);
      case "Match":
        return this.compileMatch(node, want);
      case "TryCatch":
        return this.compileTryCatch(node, want);
      case "Retry":
        return this.compileRetry(node, want);
      case "Deadline":
        return this.compileDeadline(node, want);
      case "Mutex":
        return this.compileMutex(node, want);
      case "Select":
        return this.compileSelect(node, want);
      case "Yield":
        return this.compileYield(node.value, false, want, node);
      case "Emit":
        return this.compileYield(node.value, true, want, node);
      case "Break":
        this.compileBreak(node);
        break;
      case "Continue":
        this.compileContinue(node);
        break;
      case "Return":
        this.compileReturn(node);
        break;
      case "Throw":
        this.compileThrow(node);
        break;
      case "Guard":
        this.compileGuard(node);
        break;
      case "Require":
        this.compileRequire(node);
        break;
      case "Defer":
        this.compileDefer(node.body, [], 0, false);
        break;
      case "TryExpr":
        this.compileTryExpr(node);
        if (!want) this.emit(Op.Pop);
        return;
      case "Spawn":
        this.compileSpawn(node);
        if (!want) this.emit(Op.Pop);
        return;
      case "Parallel":
        this.compileParallel(node);
        if (!want) this.emit(Op.Pop);
        return;
      case "Block":
        return this.compileBody(node.body, want);
      case "AttributedDecl":
        this.compileAttributed(node);
        break;
      case "Import":
      case "SelectiveImport":
        if (!this.atModuleTop()) this.fail("import is only allowed at the top level of a file", node.span);
        break;
      case "Pipeline":
        break;
      case "FnDecl":
      case "StructDecl":
      case "EnumDecl":
      case "InterfaceDecl":
      case "ImplBlock":
      case "TypeDecl":
        if (node.kind === "FnDecl") this.compileFnDecl(node);
        break;
      case "ToolDecl":
      case "SkillDecl":
      case "EvalPackDecl":
      case "OverrideDecl":
        this.compileDeclaration(node);
        break;
      default:
        this.compileExpr(node);
        if (!want) this.emit(Op.Pop);
        return;
    }
    if (want) this.emit(Op.Nil);
  }

  private compileBinding(node: NodeOf<"Let"> | NodeOf<"Var">): void {
    const mutable = node.kind === "Var";
    const pattern = node.pattern;
    let cell: LocalVar | undefined;
    if (pattern.kind === "Ident" && !this.atModuleTop() && mentionsInClosure(node.value, pattern.name)) {
      // `let f = { n -> f(n - 1) }`: the closure needs a shared box holding itself.
      cell = this.fn.declare(pattern.name, mutable, true);
      this.emit(Op.NewCell, cell.slot);
    }
    this.compileExpr(node.value);
    this.at(node);
    if (cell) this.emit(Op.SetCell, cell.slot);
    else this.compilePatternBinding(pattern, mutable);
  }

  /** Binds the value on top of the stack (consumed) to `pattern`. */
  protected compilePatternBinding(pattern: BindingPattern, mutable: boolean): void {
    switch (pattern.kind) {
      case "Ident":
        this.emitDefine(pattern.name, mutable);
        return;
      case "Pair": {
        const tmp = this.fn.temp("pair");
        this.emit(Op.SetLocal, tmp);
        this.emit(Op.GetLocal, tmp);
        this.emit(Op.GetProp, this.str("first"));
        this.emitDefine(pattern.first, mutable);
        this.emit(Op.GetLocal, tmp);
        this.emit(Op.GetProp, this.str("second"));
        this.emitDefine(pattern.second, mutable);
        return;
      }
      case "Dict": {
        this.emit(Op.CheckDestructure, 0);
        const tmp = this.fn.temp("dict");
        this.emit(Op.SetLocal, tmp);
        const keys: string[] = [];
        for (const field of pattern.fields) {
          this.emit(Op.GetLocal, tmp);
          if (field.rest) {
            this.emit(Op.DictRest, this.fn.code.constant({ k: "strs", v: keys }));
            this.emitDefine(field.key, mutable);
            continue;
          }
          keys.push(field.key);
          this.emitConstStr(field.key);
          this.emit(Op.GetIndexOpt);
          this.emitDefault(field.defaultValue);
          this.emitDefine(field.alias ?? field.key, mutable);
        }
        return;
      }
      case "List": {
        this.emit(Op.CheckDestructure, 1);
        const tmp = this.fn.temp("list");
        this.emit(Op.SetLocal, tmp);
        pattern.elements.forEach((el, i) => {
          this.emit(Op.GetLocal, tmp);
          if (el.rest) {
            this.emit(Op.ListRest, i);
          } else {
            this.emitInt(i);
            this.emit(Op.GetIndexOpt);
            this.emitDefault(el.defaultValue);
          }
          this.emitDefine(el.name, mutable);
        });
        return;
      }
    }
  }

  /** [v] -> [v ?? default] */
  private emitDefault(defaultValue: Node | undefined): void {
    if (!defaultValue) return;
    const done = this.emitJump(Op.JumpIfNotNilKeep);
    this.compileExpr(defaultValue);
    this.patch(done);
  }

  /** `x = x + k`, `x += k`, `x -= k` on a plain mutable local: one IncLocal. */
  private incrementOf(node: NodeOf<"Assign">): { slot: number; by: number } | undefined {
    const target = node.target;
    if (target.kind !== "Ident") return undefined;
    let by: number | undefined;
    const v = node.value;
    const small = (n: Node): number | undefined =>
      n.kind === "Int" && typeof n.value === "number" && Math.abs(n.value) < 0x3fffffff ? n.value : undefined;
    if (node.op === "+" || node.op === "-") {
      const k = small(v);
      if (k !== undefined) by = node.op === "+" ? k : -k;
    } else if (node.op === undefined && v.kind === "Binary" && (v.op === "+" || v.op === "-")) {
      const k = small(v.right);
      if (k !== undefined && v.left.kind === "Ident" && v.left.name === target.name)
        by = v.op === "+" ? k : -k;
    }
    if (by === undefined) return undefined;
    const local = this.fn.lookupLocal(target.name);
    if (local === undefined || local.isCell || !local.mutable) return undefined;
    return { slot: local.slot, by };
  }

  private compileAssign(node: NodeOf<"Assign">): void {
    const inc = this.incrementOf(node);
    if (inc !== undefined) {
      this.emit(Op.IncLocal, inc.slot, inc.by);
      return;
    }
    const target = node.target;
    if (node.op !== undefined) {
      const op = COMPOUND_OPS[node.op];
      if (op === undefined) this.fail(`unknown compound operator ${node.op}=`, node.span);
      this.compileExpr(target);
      this.compileExpr(node.value);
      this.at(node);
      this.emit(op);
    } else {
      this.compileExpr(node.value);
    }
    this.at(node);
    this.emitStoreInto(target);
  }

  /** Stores the value on top of the stack into an assignable expression. */
  private emitStoreInto(target: Node): void {
    switch (target.kind) {
      case "Ident":
        this.emitAssignName(target.name);
        return;
      case "Property":
        this.compileExpr(target.object);
        this.at(target);
        this.emit(Op.SetProp, this.str(target.name));
        this.emitStoreInto(target.object);
        return;
      case "Subscript":
        this.compileExpr(target.object);
        this.compileExpr(target.index);
        this.at(target);
        this.emit(Op.SetIndex);
        this.emitStoreInto(target.object);
        return;
      default:
        this.fail("invalid assignment target", target.span);
    }
  }
}

/** Does `name` occur inside a closure within `node`? (self-referencing let) */
function mentionsInClosure(node: Node, name: string): boolean {
  let found = false;
  const visit = (n: unknown, inClosure: boolean): void => {
    if (found || n === null || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x, inClosure);
      return;
    }
    const o = n as { kind?: string; name?: string };
    if (inClosure && (o.kind === "Ident" || o.kind === "Call") && o.name === name) {
      found = true;
      return;
    }
    const nested = inClosure || o.kind === "Closure" || o.kind === "FnDecl";
    for (const key in o) if (key !== "span") visit((o as Record<string, unknown>)[key], nested);
  };
  visit(node, false);
  return found;
}
