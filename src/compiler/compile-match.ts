// `match`: arms tried in order against a subject held in a temporary, with
// literal, binding, wildcard, or-, enum-variant, dict and list patterns and
// optional guards; no matching arm is the reference's run-time error.

import { Op } from "../bytecode/opcodes.ts";
import type { Node, NodeOf } from "../syntax/ast.ts";
import { FailKind } from "./compile-base.ts";
import { ControlCompiler } from "./compile-control.ts";

export abstract class MatchCompiler extends ControlCompiler {
  protected compileMatch(node: NodeOf<"Match">, want: boolean): void {
    this.compileExpr(node.value);
    const subject = this.fn.temp("match");
    this.emit(Op.SetLocal, subject);
    const ends: number[] = [];
    for (const arm of node.arms) {
      this.fn.pushScope();
      const fails: number[] = [];
      const matched = this.compilePatternTest(arm.pattern, subject, fails);
      for (const p of matched) this.patch(p);
      if (arm.guard) {
        this.compileExpr(arm.guard);
        fails.push(this.emitJump(Op.JumpIfFalse));
      }
      this.compileBody(arm.body, want);
      this.fn.popScope();
      ends.push(this.emitJump(Op.Jump));
      for (const f of fails) this.patch(f);
    }
    this.at(node);
    this.emitFail("No match arm matched the value", FailKind.Thrown);
    for (const e of ends) this.patch(e);
  }

  /**
   * Emits the test for one match pattern against local `subject`. Failed
   * tests add jumps to `fails`; returns the jumps of or-pattern hits, which
   * the caller points at the code right after the test (guard, then body).
   */
  private compilePatternTest(pattern: Node, subject: number, fails: number[]): number[] {
    switch (pattern.kind) {
      case "Ident":
        if (pattern.name !== "_") {
          this.emit(Op.GetLocal, subject);
          this.emitDefine(pattern.name, false);
        }
        return [];
      case "MethodCall":
        if (this.isEnumRef(pattern.object)) {
          this.compileVariantPattern(pattern, subject, fails);
          return [];
        }
        break;
      case "Dict":
        if (pattern.entries.every((e) => e.key?.kind === "Str")) {
          this.compileDictPattern(pattern, subject, fails);
          return [];
        }
        break;
      case "List":
        this.compileListPattern(pattern, subject, fails);
        return [];
      case "OrPattern": {
        const hits: number[] = [];
        for (const alt of pattern.alternatives) {
          this.emit(Op.GetLocal, subject);
          this.compileExpr(alt);
          this.emit(Op.Eq);
          hits.push(this.emitJump(Op.JumpIfTrue));
        }
        fails.push(this.emitJump(Op.Jump));
        return hits;
      }
      default:
        break;
    }
    this.emit(Op.GetLocal, subject);
    this.compileExpr(pattern);
    this.emit(Op.Eq);
    fails.push(this.emitJump(Op.JumpIfFalse));
    return [];
  }

  private isEnumRef(node: Node): node is NodeOf<"Ident"> {
    return node.kind === "Ident" && this.enumNames.has(node.name);
  }

  private compileVariantPattern(pattern: NodeOf<"MethodCall">, subject: number, fails: number[]): void {
    const enumName = (pattern.object as NodeOf<"Ident">).name;
    this.emit(Op.GetLocal, subject);
    this.emitConstStr(enumName);
    this.emitConstStr(pattern.method);
    this.emitCallName("__is_variant", 3);
    fails.push(this.emitJump(Op.JumpIfFalse));
    const binds: [number, string][] = [];
    pattern.args.forEach((arg, i) => {
      if (arg.kind === "Ident") {
        if (arg.name !== "_") binds.push([i, arg.name]);
        return;
      }
      this.emitVariantField(subject, i);
      this.compileExpr(arg);
      this.emit(Op.Eq);
      fails.push(this.emitJump(Op.JumpIfFalse));
    });
    for (const [i, name] of binds) {
      this.emitVariantField(subject, i);
      this.emitDefine(name, false);
    }
  }

  private emitVariantField(subject: number, i: number): void {
    this.emit(Op.GetLocal, subject);
    this.emitInt(i);
    this.emitCallName("__variant_field", 2);
  }

  private emitTypeIs(subject: number, type: string): void {
    this.emit(Op.GetLocal, subject);
    this.emitCallName("type_of", 1);
    this.emitConstStr(type);
    this.emit(Op.Eq);
  }

  private compileDictPattern(pattern: NodeOf<"Dict">, subject: number, fails: number[]): void {
    this.emitTypeIs(subject, "dict");
    fails.push(this.emitJump(Op.JumpIfFalse));
    const binds: [string, string][] = [];
    for (const entry of pattern.entries) {
      const key = (entry.key as NodeOf<"Str">).value;
      if (entry.value.kind === "Ident") {
        binds.push([key, entry.value.name]);
        continue;
      }
      this.emit(Op.GetLocal, subject);
      this.emitConstStr(key);
      this.emit(Op.GetIndex);
      this.compileExpr(entry.value);
      this.emit(Op.Eq);
      fails.push(this.emitJump(Op.JumpIfFalse));
    }
    for (const [key, name] of binds) {
      this.emit(Op.GetLocal, subject);
      this.emitConstStr(key);
      this.emit(Op.GetIndex);
      this.emitDefine(name, false);
    }
  }

  private compileListPattern(pattern: NodeOf<"List">, subject: number, fails: number[]): void {
    this.emitTypeIs(subject, "list");
    fails.push(this.emitJump(Op.JumpIfFalse));
    this.emit(Op.GetLocal, subject);
    this.emitCallName("len", 1);
    this.emitInt(pattern.elements.length);
    this.emit(Op.Ge);
    fails.push(this.emitJump(Op.JumpIfFalse));
    const binds: [number, string][] = [];
    pattern.elements.forEach((el, i) => {
      if (el.kind === "Ident") {
        if (el.name !== "_") binds.push([i, el.name]);
        return;
      }
      this.emit(Op.GetLocal, subject);
      this.emitInt(i);
      this.emit(Op.GetIndex);
      this.compileExpr(el);
      this.emit(Op.Eq);
      fails.push(this.emitJump(Op.JumpIfFalse));
    });
    for (const [i, name] of binds) {
      this.emit(Op.GetLocal, subject);
      this.emitInt(i);
      this.emit(Op.GetIndex);
      this.emitDefine(name, false);
    }
  }

  /** Opens a handler region: TryBegin plus the matching cleanup entry. */
}
