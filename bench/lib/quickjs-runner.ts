// Times the JavaScript twins in QuickJS compiled to WebAssembly
// (quickjs-emscripten, release build, synchronous variant): the peer an
// interpreter written in a managed language can fairly be compared with,
// since neither has a JIT. The wasm module is loaded once; each twin gets
// one QuickJS runtime and a fresh context per run, and only `evalCode` of
// the twin plus a call to `run()` is timed (that includes parsing the
// twin's few hundred bytes).

import { readFileSync } from "node:fs";
import { getQuickJS, type QuickJSWASMModule } from "quickjs-emscripten";
import { failure, type Outcome } from "./outcome.ts";
import { type RunPlan, sample, summarize } from "./stats.ts";

export function loadQuickJs(): Promise<QuickJSWASMModule> {
  return getQuickJS();
}

export async function benchQuickJs(
  quickjs: QuickJSWASMModule,
  file: string,
  plan: RunPlan,
): Promise<Outcome> {
  const code = `${readFileSync(file, "utf8")}\nrun();\n`;
  const runtime = quickjs.newRuntime();
  try {
    let checksum: string | undefined;
    const samples = await sample(plan, () => {
      const context = runtime.newContext();
      try {
        const started = performance.now();
        const result = context.evalCode(code, file);
        const ms = performance.now() - started;
        const handle = context.unwrapResult(result);
        const value = String(context.dump(handle));
        handle.dispose();
        checksum ??= value;
        if (value !== checksum) throw new Error(`result changed between runs: ${value}`);
        return ms;
      } finally {
        context.dispose();
      }
    });
    return { ok: true, timing: summarize(samples), checksum: checksum ?? "" };
  } catch (error) {
    return failure(error);
  } finally {
    runtime.dispose();
  }
}
