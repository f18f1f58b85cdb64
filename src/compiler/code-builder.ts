// Emits instructions for one function: a growable code buffer with a
// parallel line/column table, a deduplicated constant pool and jump
// patching. `finish()` freezes it into an immutable `FnProto`. A peephole
// pass fuses common sequences into superinstructions as they are emitted
// (never across a jump target), so the interpreter dispatches less.

import { type CaptureSource, type Constant, FnProto } from "../bytecode/proto.ts";
import { Op } from "../bytecode/opcodes.ts";

/** `<cmp>` followed by JumpIfFalse, and `Int k; <cmp>`. */
const CMP_JUMP: Partial<Record<Op, Op>> = {
  [Op.Lt]: Op.JumpIfNotLt,
  [Op.Le]: Op.JumpIfNotLe,
  [Op.Gt]: Op.JumpIfNotGt,
  [Op.Ge]: Op.JumpIfNotGe,
  [Op.Eq]: Op.JumpIfNotEq,
  [Op.Neq]: Op.JumpIfNotNeq,
  [Op.LtInt]: Op.JumpIfNotLtInt,
  [Op.LeInt]: Op.JumpIfNotLeInt,
  [Op.GtInt]: Op.JumpIfNotGtInt,
  [Op.GeInt]: Op.JumpIfNotGeInt,
  [Op.EqInt]: Op.JumpIfNotEqInt,
  [Op.NeqInt]: Op.JumpIfNotNeqInt,
};

const CMP_INT: Partial<Record<Op, Op>> = {
  [Op.Lt]: Op.LtInt,
  [Op.Le]: Op.LeInt,
  [Op.Gt]: Op.GtInt,
  [Op.Ge]: Op.GeInt,
  [Op.Eq]: Op.EqInt,
  [Op.Neq]: Op.NeqInt,
};

export class CodeBuilder {
  private code: number[] = [];
  private lines: number[] = [];
  private cols: number[] = [];
  private readonly consts: Constant[] = [];
  private readonly constIndex = new Map<string, number>();
  readonly protos: FnProto[] = [];
  line = 0;
  col = 0;
  /** Start of the most recently emitted instruction (-1 if none or after a label). */
  private last = -1;
  /** Whether fusion is enabled (the disassembler tests may turn it off). */
  optimize = true;

  get here(): number {
    return this.code.length;
  }

  /** Marks the current position as a jump target: nothing fuses across it. */
  label(): number {
    this.last = -1;
    return this.code.length;
  }

  emit(op: Op, ...operands: number[]): number {
    if (this.optimize && this.last >= 0) {
      const fused = this.fuse(op, operands);
      if (fused !== undefined) return fused;
    }
    return this.append(op, operands);
  }

  private append(op: Op, operands: number[]): number {
    const at = this.code.length;
    this.code.push(op, ...operands);
    for (let i = 0; i <= operands.length; i++) {
      this.lines.push(this.line);
      this.cols.push(this.col);
    }
    this.last = at;
    return at;
  }

  /** Replaces the previous instruction and `op` by one superinstruction, if a fusion applies. */
  private fuse(op: Op, operands: number[]): number | undefined {
    const at = this.last;
    const prev = this.code[at] as Op;
    const arg = this.code[at + 1]!;
    const replace = (fused: Op, ...args: number[]): number => {
      this.truncate(at);
      return this.append(fused, args);
    };
    if (op === Op.Add && prev === Op.GetLocal) return replace(Op.AddLocal, arg);
    if (op === Op.Add && prev === Op.Int) return replace(Op.AddInt, arg);
    if (op === Op.Sub && prev === Op.Int) return replace(Op.AddInt, -arg);
    const cmpInt = CMP_INT[op];
    if (cmpInt !== undefined && prev === Op.Int) return replace(cmpInt, arg);
    if (op === Op.JumpIfFalse) {
      const jump = CMP_JUMP[prev];
      if (jump !== undefined) {
        const intForm = jump >= Op.JumpIfNotLtInt;
        return intForm ? replace(jump, arg, operands[0]!) : replace(jump, operands[0]!);
      }
    }
    return undefined;
  }

  /** Emits a jump-like instruction whose target (last operand) is patched later. */
  emitJump(op: Op, ...leading: number[]): number {
    this.emit(op, ...leading, -1);
    return this.code.length - 1;
  }

  /** Points the jump operand at `operandIndex` to `target` (default: here, which becomes a label). */
  patch(operandIndex: number, target = this.label()): void {
    this.code[operandIndex] = target;
  }

  constant(c: Constant): number {
    const key = c.k === "decl" || c.k === "type" ? undefined : `${c.k}:${constantText(c.v)}`;
    if (key !== undefined) {
      const known = this.constIndex.get(key);
      if (known !== undefined) return known;
    }
    this.consts.push(c);
    const idx = this.consts.length - 1;
    if (key !== undefined) this.constIndex.set(key, idx);
    return idx;
  }

  str(s: string): number {
    return this.constant({ k: "str", v: s });
  }

  addProto(p: FnProto): number {
    this.protos.push(p);
    return this.protos.length - 1;
  }

  /** Drops the code from `length` on (peephole rewrites); tables shrink with it. */
  private truncate(length: number): void {
    this.code.length = length;
    this.lines.length = length;
    this.cols.length = length;
  }

  lastOp(at: number): Op | undefined {
    return this.code[at] as Op | undefined;
  }

  finish(meta: {
    name: string;
    paramNames: readonly string[];
    defaultsStart: number;
    hasRest: boolean;
    nLocals: number;
    captures: readonly CaptureSource[];
    isGenerator: boolean;
    isStream: boolean;
    localNames: readonly string[];
    file: string;
  }): FnProto {
    return new FnProto(
      meta.name,
      Int32Array.from(this.code),
      this.consts,
      Int32Array.from(this.lines),
      Int32Array.from(this.cols),
      this.protos,
      meta.paramNames,
      meta.defaultsStart,
      meta.hasRest,
      meta.nLocals,
      meta.captures,
      meta.isGenerator,
      meta.isStream,
      meta.localNames,
      meta.file,
    );
  }
}

/** Dedup key text for a constant's payload; -0 is kept apart from 0 so `-0.0` literals survive. */
function constantText(v: unknown): string {
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
  if (Object.is(v, -0)) return "-0";
  return String(v);
}
