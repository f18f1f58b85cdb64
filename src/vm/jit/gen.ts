// Source-building state shared by the code generator and the per-instruction
// emitters: how to spill state, leave compiled code, jump, and spell
// constants as JavaScript.

import type { Constant, FnProto } from "../../bytecode/proto.ts";
import type { Analysis } from "./analyze.ts";

/** What compiled code returns to the interpreter. The first three equal calls.ts `Action`. */
export enum JitExit {
  Continue = 0,
  Park = 1,
  Done = 2,
  /** Interpret from frame.ip (an instruction the tier leaves to the interpreter). */
  Step = 3,
  /** The instruction budget ran out: checkpoint, then continue at frame.ip. */
  Budget = 4,
}

export const MAX_SAFE_TEXT = "9007199254740991";

/** Source-building state for one function. */
export class Gen {
  readonly out: string[] = [];
  /** Code index of the instruction being emitted. */
  ip = 0;
  /** Code index of the next instruction. */
  next = 0;
  usesSites = false;

  constructor(
    readonly proto: FnProto,
    readonly analysis: Analysis,
  ) {}

  line(text: string): void {
    this.out.push(text);
  }

  /** Records the instruction start for error locations and spilling on a throw. */
  pc(): void {
    this.out.push(`pc = ${this.ip};`);
  }

  /** Stores locals and the `d` live operand slots back into the fiber's stack. */
  spill(d: number): string {
    const parts: string[] = [];
    for (let i = 0; i < this.proto.nLocals; i++) parts.push(`stack[base + ${i}] = l${i};`);
    for (let i = 0; i < d; i++) parts.push(`stack[tb + ${i}] = s${i};`);
    return parts.join(" ");
  }

  /** Leaves compiled code: state saved, frame.ip = `resumeAt`, operand depth `d`. */
  exit(d: number, resumeAt: number, code: JitExit): string {
    return `{ ${this.spill(d)} frame.ip = ${resumeAt}; fiber.sp = tb + ${d}; return ${code}; }`;
  }

  /** Control transfer to `target` (with the budget check on backward edges). */
  jump(target: number): string {
    if (target > this.ip) return `{ ip = ${target}; continue; }`;
    const d = this.analysis.depth[target]!;
    return `{ if (--task.jitBudget <= 0) ${this.exit(d, target, JitExit.Budget)} ip = ${target}; continue; }`;
  }

  /** A constant as a JS expression: literals inline, the rest from the linked pool. */
  constant(index: number): string {
    const c: Constant | undefined = this.proto.consts[index];
    if (c !== undefined && c.k === "str") return JSON.stringify(c.v);
    if (c !== undefined && c.k === "int" && typeof c.v === "number") return String(c.v);
    return `k[${index}]`;
  }

  /** A constant known to be a string (names), as a literal. */
  name(index: number): string {
    return JSON.stringify(this.proto.consts[index]?.v as string);
  }
}
