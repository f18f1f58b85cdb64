// Pre-pass of the compiling tier: walks a function's bytecode from its
// entry and its handler targets, computing the operand-stack depth before
// every reachable instruction and the places where compiled code may be
// entered (jump targets and the instruction after each exit to the
// interpreter). A function whose depths disagree at a join, or that uses
// an instruction the tier does not know, is left to the interpreter.

import { OPERANDS, Op } from "../../bytecode/opcodes.ts";
import type { FnProto } from "../../bytecode/proto.ts";
import { stackFlow } from "../../bytecode/stack-flow.ts";

export interface Analysis {
  /** Operand-stack depth before the instruction at each code index; -1 if none is reachable there. */
  readonly depth: Int32Array;
  readonly maxDepth: number;
  /** Code indices where compiled code can start: a `case` label each. */
  readonly entries: ReadonlySet<number>;
}

/** Instructions compiled code hands back to the interpreter; it re-enters right after them. */
export const EXIT_OPS: ReadonlySet<Op> = new Set([
  Op.Call,
  Op.CallName,
  Op.CallMethod,
  Op.CallMethodOpt,
  Op.CallSpread,
  Op.CallNameSpread,
  Op.CallMethodSpread,
  Op.TailCall,
  Op.TailCallName,
  Op.IterNext,
]);

export function operandsAt(code: Int32Array, ip: number): Int32Array {
  return code.subarray(ip + 1, ip + 1 + (OPERANDS[code[ip] as Op] ?? 0));
}

export function analyze(proto: FnProto): Analysis | null {
  if (proto.isGenerator) return null;
  const code = proto.code;
  const depth = new Int32Array(code.length).fill(-1);
  const entries = new Set<number>([0]);
  const work: number[] = [0];
  depth[0] = 0;
  let maxDepth = 0;
  const reach = (ip: number, d: number): boolean => {
    if (ip < 0 || ip >= code.length || d < 0) return false;
    if (depth[ip] === -1) {
      depth[ip] = d;
      work.push(ip);
      return true;
    }
    return depth[ip] === d;
  };
  while (work.length > 0) {
    const ip = work.pop()!;
    const op = code[ip] as Op;
    const d = depth[ip]!;
    const flow = stackFlow(op, operandsAt(code, ip), d);
    if (flow === undefined) return null;
    const next = ip + 1 + (OPERANDS[op] ?? 0);
    if (flow.fall !== null) {
      if (!reach(next, flow.fall)) return null;
      maxDepth = Math.max(maxDepth, flow.fall);
      if (EXIT_OPS.has(op)) entries.add(next);
    }
    for (const [target, td] of flow.jumps) {
      if (!reach(target, td)) return null;
      maxDepth = Math.max(maxDepth, td);
      entries.add(target);
    }
    maxDepth = Math.max(maxDepth, d);
  }
  return { depth, maxDepth, entries };
}
