// The compiling tier's entry: decides when a function is hot enough to
// compile, compiles it once per prototype (shared by every VM that runs
// it), and remembers functions it cannot compile so they are never
// analysed twice.

import type { FnProto } from "../../bytecode/proto.ts";
import type { LinkedProto } from "../link.ts";
import type { RuntimeApi } from "../runtime-api.ts";
import type { Fiber, Frame, Task } from "../task.ts";
import { analyze } from "./analyze.ts";
import { generate } from "./codegen.ts";
import type { JitExit } from "./gen.ts";
import { JIT_HELPERS } from "./helpers.ts";

export type CompiledFn = (rt: RuntimeApi, task: Task, fiber: Fiber, frame: Frame) => JitExit;

/** How eagerly functions are compiled: never, after they warm up, or on first entry (tests). */
export type JitMode = "off" | "on" | "eager";

/** Entries (calls, returns into it, loop back-edges) before a function is compiled. */
const WARM_UP = 20;

export function jitThreshold(mode: JitMode): number {
  return mode === "off" ? Number.POSITIVE_INFINITY : mode === "eager" ? 0 : WARM_UP;
}

/** Compiles `proto`; null when the tier cannot take it. A code-generation bug throws in eager mode. */
export function compileProto(proto: FnProto, strict: boolean): CompiledFn | null {
  const analysis = analyze(proto);
  if (analysis === null) return null;
  const body = generate(proto, analysis);
  const label = proto.name.replace(/[^A-Za-z0-9_$]/g, "_");
  try {
    const make = new Function(
      "H",
      "DEPTH",
      `return function harn_${label}(rt, task, fiber, frame) {\n${body}\n};`,
    );
    return make(JIT_HELPERS, analysis.depth) as CompiledFn;
  } catch (e) {
    if (strict)
      throw new Error(`compiling tier: bad code for fn ${proto.name}: ${(e as Error).message}\n${body}`);
    return null;
  }
}

/** The compiled code for the frame's function once it is hot, else null. */
export function compiledFor(rt: RuntimeApi, proto: FnProto, linked: LinkedProto): CompiledFn | null {
  const jit = linked.jit as CompiledFn | null | undefined;
  if (jit !== undefined) return jit;
  if (++linked.heat < rt.jitThreshold) return null;
  const compiled = compileProto(proto, rt.jitThreshold === 0);
  linked.jit = compiled;
  return compiled;
}
