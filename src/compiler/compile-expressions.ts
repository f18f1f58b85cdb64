// Expressions: literals, names, operators (with short-circuiting and the
// `|>` placeholder desugaring), calls (direct, by name, methods, spread),
// property/index/slice access, collection literals, interpolation and
// closures. Every `compileExpr` leaves exactly one value on the stack.

import { Op } from "../bytecode/opcodes.ts";
import type { DictEntry, Node, NodeOf } from "../syntax/ast.ts";
import { CompilerBase } from "./compile-base.ts";
import { placeholderClosure } from "./pipe-placeholder.ts";

const BINARY_OPS: Record<string, Op> = {
  "+": Op.Add,
  "-": Op.Sub,
  "*": Op.Mul,
  "/": Op.Div,
  "%": Op.Mod,
  "**": Op.Pow,
  "==": Op.Eq,
  "!=": Op.Neq,
  "<": Op.Lt,
  ">": Op.Gt,
  "<=": Op.Le,
  ">=": Op.Ge,
  in: Op.In,
  not_in: Op.NotIn,
};

const SMALL_INT_MAX = 0x3fffffff;

/** Builtins whose second argument is a schema (a type alias name is lowered to its schema). */
const SCHEMA_GUARDS = new Set([
  "schema_is",
  "schema_expect",
  "schema_parse",
  "schema_check",
  "is_type",
  "json_validate",
]);

export abstract class ExprCompiler extends CompilerBase {
  /** Statements and block-headed expressions (if, match, try, ...). */
  protected abstract compileNodeValue(node: Node): void;

  compileExpr(node: Node): void {
    this.at(node);
    switch (node.kind) {
      case "Int":
        this.emitInt(node.value);
        return;
      case "Float":
        this.emit(Op.Const, this.fn.code.constant({ k: "float", v: node.value }));
        return;
      case "Str":
        this.emitConstStr(node.value);
        return;
      case "Duration":
        this.emit(Op.Const, this.fn.code.constant({ k: "duration", v: node.ms }));
        return;
      case "Bool":
        this.emit(node.value ? Op.True : Op.False);
        return;
      case "Nil":
        this.emit(Op.Nil);
        return;
      case "Ident":
        this.emitLoadName(node.name);
        return;
      case "Interp":
        for (const part of node.parts) {
          if (part.kind === "lit") this.emitConstStr(part.text);
          else this.compileExpr(part.expr);
        }
        this.at(node);
        this.emit(Op.Interp, node.parts.length);
        return;
      case "List":
        this.compileList(node.elements);
        return;
      case "Dict":
        this.compileDict(node.entries);
        return;
      case "Binary":
        this.compileBinary(node);
        return;
      case "Unary":
        this.compileUnary(node);
        return;
      case "Ternary": {
        this.compileExpr(node.cond);
        const toElse = this.emitJump(Op.JumpIfFalse);
        this.compileExpr(node.then);
        const toEnd = this.emitJump(Op.Jump);
        this.patch(toElse);
        this.compileExpr(node.else);
        this.patch(toEnd);
        return;
      }
      case "Range":
        this.compileExpr(node.start);
        this.compileExpr(node.end);
        this.at(node);
        this.emit(Op.MakeRange, node.inclusive ? 1 : 0);
        return;
      case "Call":
        this.compileCall(node, false);
        return;
      case "MethodCall":
        this.compileMethodCall(node);
        return;
      case "Property":
        this.compileExpr(node.object);
        this.at(node);
        this.emit(node.optional ? Op.GetPropOpt : Op.GetProp, this.str(node.name));
        return;
      case "Subscript":
        this.compileExpr(node.object);
        this.compileExpr(node.index);
        this.at(node);
        this.emit(node.optional ? Op.GetIndexOpt : Op.GetIndex);
        return;
      case "Slice":
        this.compileExpr(node.object);
        this.compileOptional(node.start);
        this.compileOptional(node.end);
        this.at(node);
        this.emit(Op.Slice);
        return;
      case "StructConstruct":
        this.emitLoadName(node.name);
        this.compileDict(node.fields);
        this.at(node);
        this.emitCallName("__make_struct", 2);
        return;
      case "Closure": {
        const proto = this.compileFunction("<closure>", node.params, node.body, {
          implicitReturn: true,
          isStream: false,
          span: node.span,
        });
        this.at(node);
        this.emit(Op.Closure, this.fn.code.addProto(proto));
        return;
      }
      case "TryOp":
        this.compileExpr(node.operand);
        this.at(node);
        this.emit(Op.TryUnwrap);
        return;
      case "TryStar":
        if (this.fn.isModuleMain && !this.inPipelineBody)
          this.fail("try* requires an enclosing function", node.span);
        this.compileExpr(node.operand);
        return;
      case "Spread":
        this.fail("spread `...` is only valid in list, dict and argument lists", node.span);
        return;
      default:
        this.compileNodeValue(node);
        return;
    }
  }

  private compileOptional(node: Node | undefined): void {
    if (node) this.compileExpr(node);
    else this.emit(Op.Nil);
  }

  protected emitInt(v: number | bigint): void {
    if (typeof v === "number" && v >= -SMALL_INT_MAX && v <= SMALL_INT_MAX) this.emit(Op.Int, v);
    else this.emit(Op.Const, this.fn.code.constant({ k: "int", v }));
  }

  private compileUnary(node: NodeOf<"Unary">): void {
    const operand = node.operand;
    if (node.op === "-" && operand.kind === "Int") {
      this.emitInt(typeof operand.value === "bigint" ? -operand.value : -operand.value);
      return;
    }
    if (node.op === "-" && operand.kind === "Float") {
      this.emit(Op.Const, this.fn.code.constant({ k: "float", v: -operand.value }));
      return;
    }
    this.compileExpr(operand);
    this.at(node);
    this.emit(node.op === "-" ? Op.Neg : Op.Not);
  }

  private compileBinary(node: NodeOf<"Binary">): void {
    switch (node.op) {
      case "&&":
      case "||": {
        this.compileExpr(node.left);
        const done = this.emitJump(node.op === "&&" ? Op.JumpIfFalseKeep : Op.JumpIfTrueKeep);
        this.compileExpr(node.right);
        this.patch(done);
        this.at(node);
        // `a && b` and `a || b` are bools.
        this.emit(Op.Not);
        this.emit(Op.Not);
        return;
      }
      case "??": {
        this.compileExpr(node.left);
        const done = this.emitJump(Op.JumpIfNotNilKeep);
        this.compileExpr(node.right);
        this.patch(done);
        return;
      }
      case "|>":
        this.compilePipe(node);
        return;
      default: {
        const op = BINARY_OPS[node.op];
        if (op === undefined) this.fail(`unknown operator ${node.op}`, node.span);
        this.compileExpr(node.left);
        this.compileExpr(node.right);
        this.at(node);
        this.emit(op);
      }
    }
  }

  /** `a |> f`: call f with a; `a |> g(_, x)` calls an implicit closure. */
  private compilePipe(node: NodeOf<"Binary">): void {
    const target = placeholderClosure(node.right) ?? node.right;
    if (target.kind === "Ident") {
      this.compileCall(
        { kind: "Call", name: target.name, typeArgs: [], args: [node.left], span: node.span },
        false,
      );
      return;
    }
    this.compileExpr(target);
    this.compileExpr(node.left);
    this.at(node);
    this.emit(Op.Call, 1);
  }

  /** Pushes the arguments (some may be given as constants); returns undefined when a spread forced a list. */
  private compileArgs(args: readonly Node[], constArgs?: Map<number, number>): number | undefined {
    if (!args.some((a) => a.kind === "Spread")) {
      args.forEach((a, i) => {
        const k = constArgs?.get(i);
        if (k !== undefined) this.emit(Op.Const, k);
        else this.compileExpr(a);
      });
      return args.length;
    }
    this.compileList(args);
    return undefined;
  }

  /**
   * `schema_of(Alias)` and schema guards given a type alias name take the
   * alias's schema as a constant argument: returns argument index -> constant.
   */
  private schemaAliasArgs(node: NodeOf<"Call">): Map<number, number> | undefined {
    const index = node.name === "schema_of" ? 0 : SCHEMA_GUARDS.has(node.name) ? 1 : -1;
    const arg = node.args[index];
    if (index < 0 || arg?.kind !== "Ident") return undefined;
    const k = this.aliasSchemaConst(arg.name);
    return k === undefined ? undefined : new Map([[index, k]]);
  }

  protected compileCall(node: NodeOf<"Call">, tail: boolean): void {
    const constArgs = this.schemaAliasArgs(node);
    if (constArgs !== undefined && node.name === "schema_of" && node.args.length === 1) {
      this.emit(Op.Const, constArgs.get(0)!);
      return;
    }
    const r = this.resolve(node.name);
    if (r.kind === "name") {
      const argc = this.compileArgs(node.args, constArgs);
      this.at(node);
      if (argc === undefined) this.emit(Op.CallNameSpread, this.str(node.name));
      else this.emit(tail ? Op.TailCallName : Op.CallName, this.str(node.name), argc);
      return;
    }
    this.emitLoadName(node.name);
    const argc = this.compileArgs(node.args, constArgs);
    this.at(node);
    if (argc === undefined) this.emit(Op.CallSpread);
    else this.emit(tail ? Op.TailCall : Op.Call, argc);
  }

  private compileMethodCall(node: NodeOf<"MethodCall">): void {
    this.compileExpr(node.object);
    const argc = this.compileArgs(node.args);
    this.at(node);
    if (argc === undefined) {
      if (node.optional) this.fail("spread arguments are not supported in `?.` calls", node.span);
      this.emit(Op.CallMethodSpread, this.str(node.method));
    } else {
      this.emit(node.optional ? Op.CallMethodOpt : Op.CallMethod, this.str(node.method), argc);
    }
  }

  protected compileList(elements: readonly Node[]): void {
    if (!elements.some((e) => e.kind === "Spread")) {
      for (const e of elements) this.compileExpr(e);
      this.emit(Op.MakeList, elements.length);
      return;
    }
    this.emit(Op.MakeList, 0);
    for (const e of elements) {
      if (e.kind === "Spread") {
        this.compileExpr(e.expr);
        this.at(e);
        this.emit(Op.ListExtend);
      } else {
        this.compileExpr(e);
        this.emit(Op.ListPush);
      }
    }
  }

  protected compileDict(entries: readonly DictEntry[]): void {
    if (!entries.some((e) => e.key === null)) {
      for (const e of entries) {
        this.compileExpr(e.key!);
        // `output_schema: Alias` takes the alias's schema.
        const alias =
          e.key?.kind === "Str" && e.key.value === "output_schema" && e.value.kind === "Ident"
            ? this.aliasSchemaConst(e.value.name)
            : undefined;
        if (alias !== undefined) this.emit(Op.Const, alias);
        else this.compileExpr(e.value);
      }
      this.emit(Op.MakeDict, entries.length);
      return;
    }
    this.emit(Op.MakeDict, 0);
    for (const e of entries) {
      if (e.key === null) {
        const spread = e.value.kind === "Spread" ? e.value.expr : e.value;
        this.compileExpr(spread);
        this.at(e.value);
        this.emit(Op.DictSpread);
      } else {
        this.compileExpr(e.key);
        this.compileExpr(e.value);
        this.emit(Op.DictPut);
      }
    }
  }
}
