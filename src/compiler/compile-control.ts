// Control flow: if/else, while, for-in, try/catch/finally, try
// expressions, retry, return/break/continue/throw, guard/require, and the
// block forms the runtime implements (deadline, mutex, spawn, parallel,
// select, yield/emit). `want` says whether the construct must leave its
// value on the stack (expression position) or nothing (statement position).
// `match` is compile-match.ts.

import { Op } from "../bytecode/opcodes.ts";
import type { Node, NodeOf } from "../syntax/ast.ts";
import { ExprCompiler } from "./compile-expressions.ts";

export abstract class ControlCompiler extends ExprCompiler {
  /** Binds the value on top of the stack to a let/var/for pattern. */
  protected abstract compilePatternBinding(pattern: NodeOf<"ForIn">["pattern"], mutable: boolean): void;
  /** Compiles a statement, leaving a value only when `want`. */
  protected abstract compileStatement(node: Node, want: boolean): void;

  /** A `{ }` body in its own scope. */
  protected compileBody(body: readonly Node[], want: boolean): void {
    if (want) this.compileBlockValue(body);
    else this.compileBlockDiscard(body);
  }

  protected compileIf(node: NodeOf<"If">, want: boolean): void {
    this.compileExpr(node.cond);
    const toElse = this.emitJump(Op.JumpIfFalse);
    this.compileBody(node.then, want);
    if (node.else === undefined && !want) {
      this.patch(toElse);
      return;
    }
    const toEnd = this.emitJump(Op.Jump);
    this.patch(toElse);
    if (node.else) this.compileBody(node.else, want);
    else this.emit(Op.Nil);
    this.patch(toEnd);
  }

  private pushLoop(continueTarget: number | undefined) {
    const loop = {
      continueTarget,
      continuePatches: [] as number[],
      breakPatches: [] as number[],
      finallyDepth: this.fn.cleanups.length,
      tryDepth: this.fn.tryDepth,
      stackItems: 0,
    };
    this.fn.loops.push(loop);
    return loop;
  }

  protected compileWhile(node: NodeOf<"While">, want: boolean): void {
    const start = this.fn.code.label();
    this.compileExpr(node.cond);
    const exit = this.emitJump(Op.JumpIfFalse);
    const loop = this.pushLoop(start);
    this.compileBlockDiscard(node.body);
    this.emit(Op.Jump, start);
    this.fn.loops.pop();
    this.patch(exit);
    for (const b of loop.breakPatches) this.patch(b);
    if (want) this.emit(Op.Nil);
  }

  protected compileFor(node: NodeOf<"ForIn">, want: boolean): void {
    this.compileExpr(node.iterable);
    this.at(node);
    this.emit(Op.IterInit);
    const iter = this.fn.temp("iter");
    this.emit(Op.SetLocal, iter);
    const start = this.fn.code.label();
    const exit = this.emitJump(Op.IterNext, iter);
    const loop = this.pushLoop(start);
    this.fn.pushScope();
    this.compilePatternBinding(node.pattern, true);
    this.compileBlockDiscard(node.body);
    this.fn.popScope();
    this.emit(Op.Jump, start);
    this.fn.loops.pop();
    this.patch(exit);
    for (const b of loop.breakPatches) this.patch(b);
    this.emit(Op.Nil);
    this.emit(Op.SetLocal, iter);
    if (want) this.emit(Op.Nil);
  }

  protected compileBreak(node: Node): void {
    const loop = this.fn.loops[this.fn.loops.length - 1];
    if (!loop) this.fail("break outside of a loop", node.span);
    this.emitCleanups(loop.finallyDepth);
    loop.breakPatches.push(this.emitJump(Op.Jump));
  }

  protected compileContinue(node: Node): void {
    const loop = this.fn.loops[this.fn.loops.length - 1];
    if (!loop) this.fail("continue outside of a loop", node.span);
    this.emitCleanups(loop.finallyDepth);
    this.emit(Op.Jump, loop.continueTarget!);
  }

  protected compileReturn(node: NodeOf<"Return">): void {
    const value = node.value;
    const canTail = this.fn.cleanups.length === 0 && !this.fn.isGenerator && !this.fn.isModuleMain;
    if (value && canTail && value.kind === "Call") {
      this.compileCall(value, true);
      this.emit(Op.Return);
      return;
    }
    if (value) this.compileExpr(value);
    else this.emit(Op.Nil);
    if (this.fn.cleanups.length > 0) {
      const tmp = this.fn.temp("ret");
      this.emit(Op.SetLocal, tmp);
      this.emitCleanups(0);
      this.emit(Op.GetLocal, tmp);
    }
    this.at(node);
    this.emit(Op.Return);
  }

  private beginHandler(): number {
    const at = this.emitJump(Op.TryBegin);
    this.fn.tryDepth++;
    this.fn.cleanups.push({ kind: "handler" });
    return at;
  }

  private endHandler(): void {
    this.emit(Op.TryEnd);
    this.fn.tryDepth--;
    this.fn.cleanups.pop();
  }

  /** Runs `finallyBody` on the error path: [raw error] -> rethrown after the body. */
  private emitFinallyRethrow(finallyBody: readonly Node[]): void {
    const err = this.fn.temp("err");
    this.emit(Op.SetLocal, err);
    this.compileBlockDiscard(finallyBody);
    this.emit(Op.GetLocal, err);
    this.emit(Op.Rethrow);
  }

  protected compileTryCatch(node: NodeOf<"TryCatch">, want: boolean): void {
    const fin = node.finallyBody;
    if (fin) this.fn.cleanups.push({ kind: "finally", body: fin });
    const toCatch = this.beginHandler();
    this.compileBody(node.body, want);
    this.endHandler();
    if (fin) {
      this.fn.cleanups.pop();
      this.compileBlockDiscard(fin);
    }
    const toEnd = this.emitJump(Op.Jump);
    this.patch(toCatch);
    if (!node.hasCatch) {
      // try/finally without catch: run finally and re-raise.
      this.emitFinallyRethrow(fin ?? []);
    } else {
      if (fin) this.fn.cleanups.push({ kind: "finally", body: fin });
      const toCatch2 = fin ? this.beginHandler() : -1;
      this.compileCatchBinding(node);
      this.compileBody(node.catchBody, want);
      this.fn.popScope();
      if (fin) {
        this.endHandler();
        this.fn.cleanups.pop();
        this.compileBlockDiscard(fin);
        const toEnd2 = this.emitJump(Op.Jump);
        this.patch(toCatch2);
        this.emitFinallyRethrow(fin);
        this.patch(toEnd2);
      }
    }
    this.patch(toEnd);
  }

  /**
   * [raw error] -> binds the catch variable (or drops the error) in a new
   * scope the caller closes after the catch body; typed catches re-raise
   * errors of other types.
   */
  private compileCatchBinding(node: NodeOf<"TryCatch">): void {
    this.fn.pushScope();
    if (node.errorType !== undefined) {
      this.emit(Op.Dup);
      this.emit(Op.Const, this.fn.code.constant({ k: "type", v: node.errorType }));
      this.emitCallName("__catch_matches", 2);
      const ok = this.emitJump(Op.JumpIfTrue);
      this.emit(Op.Rethrow);
      this.patch(ok);
    }
    this.emit(Op.CatchValue);
    if (node.errorVar !== undefined) this.emitDefine(node.errorVar, false);
    else this.emit(Op.Pop);
  }

  protected compileTryExpr(node: NodeOf<"TryExpr">): void {
    const toCatch = this.beginHandler();
    this.compileBlockValue(node.body);
    this.endHandler();
    this.emit(Op.WrapOk);
    const toEnd = this.emitJump(Op.Jump);
    this.patch(toCatch);
    this.emit(Op.CatchValue);
    this.emit(Op.WrapErr);
    this.patch(toEnd);
  }

  protected compileRetry(node: NodeOf<"Retry">, want: boolean): void {
    const remaining = this.fn.temp("retry");
    const result = this.fn.temp("retry_result");
    this.compileExpr(node.count);
    this.emit(Op.SetLocal, remaining);
    const start = this.fn.code.label();
    const toCatch = this.beginHandler();
    this.compileBlockValue(node.body);
    this.emit(Op.SetLocal, result);
    this.endHandler();
    const toEnd = this.emitJump(Op.Jump);
    this.patch(toCatch);
    const err = this.fn.temp("retry_err");
    this.emit(Op.SetLocal, err);
    this.emit(Op.GetLocal, remaining);
    this.emitInt(1);
    this.emit(Op.Sub);
    this.emit(Op.Dup);
    this.emit(Op.SetLocal, remaining);
    this.emitInt(0);
    this.emit(Op.Gt);
    this.emit(Op.JumpIfTrue, start);
    this.emit(Op.GetLocal, err);
    this.emit(Op.Rethrow);
    this.patch(toEnd);
    if (want) this.emit(Op.GetLocal, result);
  }

  /** `body` between an enter intrinsic and an exit intrinsic that runs on every exit path. */
  private compileBracketed(
    enter: string,
    enterArgc: number,
    exit: string,
    body: readonly Node[],
    want: boolean,
  ): void {
    this.emitCallName(enter, enterArgc);
    const token = this.fn.temp(enter);
    this.emit(Op.SetLocal, token);
    this.fn.cleanups.push({ kind: "release", intrinsic: exit, slot: token });
    const toCatch = this.beginHandler();
    this.compileBody(body, want);
    this.endHandler();
    this.fn.cleanups.pop();
    this.emitRelease(exit, token);
    const toEnd = this.emitJump(Op.Jump);
    this.patch(toCatch);
    const err = this.fn.temp("err");
    this.emit(Op.SetLocal, err);
    this.emitRelease(exit, token);
    this.emit(Op.GetLocal, err);
    this.emit(Op.Rethrow);
    this.patch(toEnd);
  }

  protected compileDeadline(node: NodeOf<"Deadline">, want: boolean): void {
    this.compileExpr(node.duration);
    this.compileBracketed("__deadline_enter", 1, "__deadline_exit", node.body, want);
  }

  protected compileMutex(node: NodeOf<"Mutex">, want: boolean): void {
    this.emitConstStr("__default__");
    this.compileBracketed("__mutex_enter", 1, "__mutex_exit", node.body, false);
    if (want) this.emit(Op.Nil);
  }

  protected compileThrow(node: NodeOf<"Throw">): void {
    this.compileExpr(node.value);
    this.at(node);
    this.emit(Op.Throw);
  }

  protected compileGuard(node: NodeOf<"Guard">): void {
    this.compileExpr(node.cond);
    const ok = this.emitJump(Op.JumpIfTrue);
    this.compileBlockDiscard(node.elseBody);
    this.patch(ok);
  }

  protected compileRequire(node: NodeOf<"Require">): void {
    this.compileExpr(node.cond);
    const ok = this.emitJump(Op.JumpIfTrue);
    if (node.message) this.compileExpr(node.message);
    else this.emitConstStr("require condition failed");
    this.at(node);
    this.emit(Op.Throw);
    this.patch(ok);
  }

  /** A block run as a separate task: compiled as a zero- or one-parameter closure. */
  protected emitTaskClosure(
    name: string,
    body: readonly Node[],
    variable: string | undefined,
    at: Node,
  ): void {
    const params = variable === undefined ? [] : [{ name: variable, rest: false, span: at.span }];
    const proto = this.compileFunction(name, params, body, {
      implicitReturn: true,
      isStream: false,
      span: at.span,
    });
    this.emit(Op.Closure, this.fn.code.addProto(proto));
  }

  protected compileSpawn(node: NodeOf<"Spawn">): void {
    this.emitTaskClosure("<spawn>", node.body, undefined, node);
    this.at(node);
    this.emitCallName("__spawn", 1);
  }

  protected compileParallel(node: NodeOf<"Parallel">): void {
    this.emitConstStr(node.mode);
    this.compileExpr(node.expr);
    this.emitTaskClosure("<parallel>", node.body, node.variable, node);
    const max = node.options.find(([k]) => k === "max_concurrent");
    if (max) this.compileExpr(max[1]);
    else this.emit(Op.Nil);
    this.at(node);
    this.emitCallName("__parallel", 4);
  }

  /** `select` asks the runtime which case fired, then runs that body inline. */
  protected compileSelect(node: NodeOf<"Select">, want: boolean): void {
    for (const c of node.cases) this.compileExpr(c.channel);
    this.emit(Op.MakeList, node.cases.length);
    if (node.timeout) this.compileExpr(node.timeout.duration);
    else this.emit(Op.Nil);
    this.emit(node.defaultBody ? Op.True : Op.False);
    this.at(node);
    this.emitCallName("__select", 3);
    const picked = this.fn.temp("select");
    this.emit(Op.SetLocal, picked);
    const ends: number[] = [];
    const branch = (index: number, variable: string | undefined, body: readonly Node[]): void => {
      this.emit(Op.GetLocal, picked);
      this.emitInt(0);
      this.emit(Op.GetIndex);
      this.emitInt(index);
      this.emit(Op.Eq);
      const skip = this.emitJump(Op.JumpIfFalse);
      this.fn.pushScope();
      if (variable !== undefined) {
        this.emit(Op.GetLocal, picked);
        this.emitInt(1);
        this.emit(Op.GetIndex);
        this.emitDefine(variable, false);
      }
      this.compileBody(body, want);
      this.fn.popScope();
      ends.push(this.emitJump(Op.Jump));
      this.patch(skip);
    };
    node.cases.forEach((c, i) => {
      branch(i, c.variable, c.body);
    });
    if (node.timeout) branch(-1, undefined, node.timeout.body);
    if (node.defaultBody) branch(-2, undefined, node.defaultBody);
    if (want) this.emit(Op.Nil);
    for (const e of ends) this.patch(e);
  }

  protected compileYield(value: Node | undefined, isEmit: boolean, want: boolean, at: Node): void {
    if (!this.fn.isGenerator)
      this.fail(isEmit ? "emit outside of a gen fn" : "yield outside of a function", at.span);
    if (value) this.compileExpr(value);
    else this.emit(Op.Nil);
    this.at(at);
    this.emit(Op.Yield);
    if (!want) this.emit(Op.Pop);
  }
}
