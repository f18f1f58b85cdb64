// Emits instructions for one function: a growable code buffer with a
// parallel line/column table, a deduplicated constant pool and jump
// patching. `finish()` freezes it into an immutable `FnProto`.

import { type CaptureSource, type Constant, FnProto } from "../bytecode/proto.ts";
import type { Op } from "../bytecode/opcodes.ts";

export class CodeBuilder {
  private code: number[] = [];
  private lines: number[] = [];
  private cols: number[] = [];
  private readonly consts: Constant[] = [];
  private readonly constIndex = new Map<string, number>();
  readonly protos: FnProto[] = [];
  line = 0;
  col = 0;

  get here(): number {
    return this.code.length;
  }

  emit(op: Op, ...operands: number[]): number {
    const at = this.code.length;
    this.code.push(op, ...operands);
    for (let i = 0; i <= operands.length; i++) {
      this.lines.push(this.line);
      this.cols.push(this.col);
    }
    return at;
  }

  /** Emits a jump-like instruction whose target (last operand) is patched later. */
  emitJump(op: Op, ...leading: number[]): number {
    this.emit(op, ...leading, -1);
    return this.code.length - 1;
  }

  /** Points the jump operand at `operandIndex` to the current position. */
  patch(operandIndex: number, target = this.code.length): void {
    this.code[operandIndex] = target;
  }

  constant(c: Constant): number {
    const key =
      c.k === "decl" || c.k === "type"
        ? undefined
        : `${c.k}:${typeof c.v === "object" ? JSON.stringify(c.v, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) : String(c.v)}`;
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

  /** Drops the last `n` code words (peephole undo); tables shrink with it. */
  truncate(length: number): void {
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
