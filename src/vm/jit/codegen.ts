// Turns one function's bytecode into the source of a JavaScript function
// (the compiling tier). Locals and operand-stack slots become JS variables
// (`l3`, `s0`), whose positions are known statically thanks to analyze.ts;
// control flow becomes a `switch` over entry points inside a loop, with
// straight-line code between them. Anything that changes frames (calls,
// returns) spills the variables back to the fiber's stack and hands the
// rest to the shared call paths, so the interpreter can take over at any
// exit and re-enter compiled code at the next entry point.

import { OPERANDS, type Op } from "../../bytecode/opcodes.ts";
import type { FnProto } from "../../bytecode/proto.ts";
import { type Analysis, operandsAt } from "./analyze.ts";
import { emitOp } from "./emit-ops.ts";
import { Gen, JitExit } from "./gen.ts";

export { JitExit };

/** The body of `function (rt, task, fiber, frame)` for `proto`, given `H` and `DEPTH` in scope. */
export function generate(proto: FnProto, analysis: Analysis): string {
  const g = new Gen(proto, analysis);
  const code = proto.code;
  const body: string[] = [];
  for (let ip = 0; ip < code.length; ip += 1 + (OPERANDS[code[ip] as Op] ?? 0)) {
    const d = analysis.depth[ip]!;
    if (d < 0) continue;
    if (analysis.entries.has(ip)) body.push(`case ${ip}:`);
    g.out.length = 0;
    g.ip = ip;
    g.next = ip + 1 + (OPERANDS[code[ip] as Op] ?? 0);
    emitOp(g, code[ip] as Op, operandsAt(code, ip), d);
    body.push(...g.out);
  }
  const nl = proto.nLocals;
  const locals = Array.from({ length: nl }, (_, i) => `l${i} = stack[base + ${i}]`);
  const slots = Array.from({ length: analysis.maxDepth }, (_, i) => `s${i}`);
  const load: string[] = [];
  const store: string[] = [];
  for (let i = analysis.maxDepth; i > 0; i--) {
    load.push(`case ${i}: s${i - 1} = stack[tb + ${i - 1}];`);
    store.push(`case ${i}: stack[tb + ${i - 1}] = s${i - 1};`);
  }
  const spillLocals = Array.from({ length: nl }, (_, i) => `stack[base + ${i}] = l${i};`).join(" ");
  return [
    `"use strict";`,
    `const stack = fiber.stack, base = frame.base, tb = base + ${nl}, k = frame.k, module = frame.module, proto = frame.proto;`,
    g.usesSites ? `const sites = H.sitesFor(proto, rt);` : "",
    locals.length > 0 ? `let ${locals.join(", ")};` : "",
    slots.length > 0 ? `let ${slots.join(", ")};` : "",
    `let ip = frame.ip, pc = ip, live = true;`,
    load.length > 0 ? `switch (DEPTH[ip]) { ${load.join(" ")} }` : "",
    `try { for (;;) { switch (ip) {`,
    ...body,
    `default: return ${JitExit.Step}; } } } catch (e) {`,
    `if (live) { ${spillLocals} ${store.length > 0 ? `switch (DEPTH[pc]) { ${store.join(" ")} }` : ""} frame.ip = pc + 1; fiber.sp = tb + DEPTH[pc]; }`,
    `throw e; }`,
  ].join("\n");
}
