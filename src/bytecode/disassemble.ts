// Human-readable listing of compiled code, for `harn dis` and for golden
// tests of the compiler's output. One line per instruction:
//   0004  L3   GetLocal 1            ; x

import type { Constant, FnProto } from "./proto.ts";
import { CONST_OPERAND, JUMP_OPERAND, OPERANDS, Op } from "./opcodes.ts";

function constText(c: Constant | undefined): string {
  if (c === undefined) return "?";
  switch (c.k) {
    case "int":
      return String(c.v);
    case "float":
      return Number.isInteger(c.v) ? `${c.v}.0` : String(c.v);
    case "str":
      return JSON.stringify(c.v);
    case "duration":
      return `${c.v}ms`;
    case "strs":
      return `[${c.v.join(", ")}]`;
    case "decl":
      return `<${c.v.kind} ${c.v.name}>`;
    case "type":
      return "<type>";
    case "json":
      return JSON.stringify(c.v, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  }
}

function operandNote(proto: FnProto, op: Op, args: number[]): string {
  const ci = CONST_OPERAND[op];
  if (ci !== undefined) return constText(proto.consts[args[ci]!]);
  if (op === Op.CheckParam) return `${proto.localNames[args[0]!] ?? ""} ${constText(proto.consts[args[1]!])}`;
  if (
    op === Op.GetLocal ||
    op === Op.SetLocal ||
    op === Op.GetCell ||
    op === Op.SetCell ||
    op === Op.NewCell ||
    op === Op.AddLocal ||
    op === Op.IncLocal
  ) {
    return proto.localNames[args[0]!] ?? "";
  }
  if (op === Op.Closure) return proto.protos[args[0]!]?.name ?? "";
  return "";
}

/** Disassemble `proto` and, recursively, the functions it contains. */
export function disassemble(proto: FnProto): string {
  const out: string[] = [];
  const queue: FnProto[] = [proto];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(`fn ${p.name}(${p.paramNames.join(", ")}) locals=${p.nLocals} captures=${p.captures.length}`);
    let ip = 0;
    while (ip < p.code.length) {
      const op = p.code[ip] as Op;
      const n = OPERANDS[op] ?? 0;
      const args = Array.from(p.code.subarray(ip + 1, ip + 1 + n));
      const jump = JUMP_OPERAND[op];
      const shown = args.map((a, i) => (i === jump ? `->${String(a).padStart(4, "0")}` : String(a)));
      const note = operandNote(p, op, args);
      const text = `${Op[op]} ${shown.join(" ")}`.trimEnd();
      const line = `${String(ip).padStart(4, "0")}  L${p.lines[ip] ?? 0}`.padEnd(12);
      out.push(`${line}${note ? `${text.padEnd(24)}; ${note}` : text}`);
      ip += 1 + n;
    }
    out.push("");
    queue.push(...p.protos);
  }
  return out.join("\n");
}
