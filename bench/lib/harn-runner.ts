// Times a .harn workload in this process with the shipped bundle
// (dist/index.mjs, what `harn` runs). Only `vm.run` is timed, as the
// reference's `harn bench` does; compile time and VM set-up time are kept
// apart. Each run gets a fresh VM. It reuses one compiled module only when
// `probeModuleReuse` found that safe; otherwise every run compiles afresh,
// outside the timed region (today the call-site cache a module's first run
// fills keeps that VM's builtins, so println in a second VM writes to the
// first VM's sink). Every run's output must equal the first run's.

import { readFileSync } from "node:fs";
import { failure, type Outcome } from "./outcome.ts";
import { median, type RunPlan, round, sample, summarize } from "./stats.ts";

type HarnApi = typeof import("../../src/index.ts");
type Module = NonNullable<ReturnType<HarnApi["compileSource"]>["module"]>;

/** compileMs: median of the compiles (warm); firstCompileMs: the first, colder one. */
export type HarnOutcome = Outcome & {
  readonly compileMs?: number;
  readonly firstCompileMs?: number;
  readonly vmSetupMs?: number;
};

/** Loads the bundle built by scripts/build.mjs. */
export async function loadHarn(): Promise<HarnApi> {
  const url = new URL("../../dist/index.mjs", import.meta.url);
  return (await import(url.href)) as HarnApi;
}

class RunFailed extends Error {}

function compile(api: HarnApi, source: string, file: string): Module {
  const compiled = api.compileSource(source, file);
  if (!compiled.module)
    throw new RunFailed(`compile error: ${compiled.diagnostics[0]?.message ?? "unknown"}`);
  return compiled.module;
}

export async function benchHarn(
  api: HarnApi,
  file: string,
  plan: RunPlan,
  reuse: boolean,
): Promise<HarnOutcome> {
  const source = readFileSync(file, "utf8");
  let shared: Module | undefined;
  const compileTimes: number[] = [];
  const setupTimes: number[] = [];
  let checksum: string | undefined;
  const once = async (): Promise<number> => {
    const compileStart = performance.now();
    const module = shared ?? compile(api, source, file);
    if (shared === undefined) compileTimes.push(performance.now() - compileStart);
    if (reuse) shared = module;
    const run = await runOnce(api, module);
    setupTimes.push(run.setupMs);
    checksum ??= run.output;
    if (run.output !== checksum) throw new RunFailed(`output changed between runs: '${run.output}'`);
    return run.ms;
  };
  try {
    const timing = summarize(await sample(plan, once));
    const extra = {
      compileMs: round(median(compileTimes)),
      firstCompileMs: round(compileTimes[0] ?? 0),
      vmSetupMs: round(median(setupTimes)),
    };
    return { ok: true, timing, checksum: checksum ?? "", ...extra };
  } catch (error) {
    return failure(error);
  }
}

async function runOnce(api: HarnApi, module: Module) {
  const out: string[] = [];
  const setupStart = performance.now();
  const vm = api.createVm({ output: (text) => out.push(text) });
  const started = performance.now();
  const result = await vm.run(module);
  const ms = performance.now() - started;
  if (result.error) throw new RunFailed(api.uncaughtMessage(result.error));
  return { ms, setupMs: started - setupStart, output: out.join("").trim() };
}

/**
 * Runs one compiled module in two VMs and reports whether the second VM's
 * output reached the second VM's sink. Recorded with the results so the
 * day module reuse becomes safe is visible (and the harness can use it).
 */
export async function probeModuleReuse(api: HarnApi): Promise<string> {
  const module = compile(api, 'pipeline default(task) {\n  println("probe")\n}\n', "probe.harn");
  const sinks: string[][] = [[], []];
  for (const sink of sinks) await api.createVm({ output: (text) => sink.push(text) }).run(module);
  const [first, second] = sinks.map((s) => s.join(""));
  if (second === "probe\n") return "safe";
  return `unsafe: the second VM printed '${second}', the first VM's sink got '${first?.replace(/\n/g, "\\n")}'`;
}
