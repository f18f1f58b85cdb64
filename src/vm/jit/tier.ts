// The compiling tier's entry: decides when a function is hot enough to
// compile, compiles it once per prototype (shared by every VM that runs
// it), and remembers functions it cannot compile so they are never
// analysed twice.

import type { FnProto } from "../../bytecode/proto.ts";
import { Action, callHooks, callValueAt, enterClosure } from "../calls.ts";
import type { LinkedProto } from "../link.ts";
import type { RuntimeApi } from "../runtime-api.ts";
import type { Fiber, Frame, Task } from "../task.ts";
import { Closure, type Value } from "../values.ts";
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

/**
 * Compiled code nests direct calls into compiled callees up to this depth;
 * deeper calls go through heap frames, so the JS stack stays bounded.
 */
const MAX_DIRECT_DEPTH = 200;

/**
 * A call from compiled code. A Harn function with compiled code runs right
 * here, on the JS stack, after its frame is pushed; everything else takes
 * the interpreter's call path. Either way the callee's result is on the
 * caller's stack when this returns Continue with the caller's frame on top.
 */
function invoke(
  rt: RuntimeApi,
  task: Task,
  fiber: Fiber,
  callee: Value,
  at: number,
  argc: number,
  retSp: number,
): Action {
  if (
    !(callee instanceof Closure) ||
    callee.proto.isGenerator ||
    task.jitDepth >= MAX_DIRECT_DEPTH ||
    rt.callInterceptor?.tracks(callee) === true
  ) {
    return callValueAt(rt, task, fiber, callee, at, argc, retSp);
  }
  enterClosure(rt, fiber, callee, at, argc, retSp);
  const frames = fiber.frames;
  const n = frames.length;
  task.jitDepth++;
  let r: Action = Action.Continue;
  let last = frames[n - 1]!;
  for (;;) {
    const f = frames[n - 1]!;
    last = f;
    const jit = compiledFor(rt, f.proto!, f.proto!.runtime as LinkedProto);
    if (jit === null) break;
    r = jit(rt, task, fiber, f) as number as Action;
    // A tail call replaced the callee's frame with another Harn function's: run that one here too.
    if (r !== Action.Continue || frames.length !== n || frames[n - 1] === f || frames[n - 1]!.proto === null)
      break;
  }
  // Not restored when an error unwinds through here: the interpreter resets it on its next entry.
  task.jitDepth--;
  // The callee returned into its caller: its frame is referenced nowhere any more.
  if (r === Action.Continue && frames.length === n - 1) fiber.framePool.push(last);
  return r;
}

const H = { ...JIT_HELPERS, invoke };

// Callbacks of native builtins (list.map and friends) go through `invoke` too.
callHooks.direct = invoke;

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
    return make(H, analysis.depth) as CompiledFn;
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
