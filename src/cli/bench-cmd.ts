// `harn bench FILE [--iterations N] [--json]`: run the program once to warm
// up, then N more times in-process, each in a fresh VM. Only `vm.run` is
// timed; compile time is reported on its own. Each run compiles afresh,
// untimed, because a compiled module cannot be shared between VMs yet: the
// call-site cache its first run fills keeps that VM's builtins (println
// would write to the first VM's sink). Program output is discarded.
// No GC is forced between runs: under --expose-gc that lets V8 drop the
// dispatch loop's optimised code and slows the next run several times over.
// `--json` prints one JSON object instead (with the warm-up run's output and
// peak memory); bench/run.ts reads it for its child-process measurements.

import type { CompiledModule } from "../bytecode/proto.ts";
import { compileSource, createVm } from "../engine.ts";
import { collectGarbage, currentRssMib, peakRssMib } from "../host/bench-host.ts";
import { fileExists, readText } from "../host/node-fs.ts";
import { now, setExitCode, stderr, stdout } from "../host/node-process.ts";
import type { VmError } from "../vm/errors.ts";
import { renderDiagnostics, renderRuntimeError } from "./render.ts";
import { readSourceOrFail } from "./run.ts";
import { usageError } from "./usage.ts";

const DEFAULT_ITERATIONS = 10;

interface BenchArgs {
  readonly file: string;
  readonly iterations: number;
  readonly json: boolean;
}

/** Parse the options; returns an error message for bad input. */
export function parseBenchArgs(args: readonly string[]): BenchArgs | string {
  let file: string | undefined;
  let iterations = DEFAULT_ITERATIONS;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--json") json = true;
    else if (arg === "--iterations" || arg === "-n" || arg.startsWith("--iterations=")) {
      const text = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++i];
      if (text === undefined || !/^[1-9][0-9]*$/.test(text))
        return `bench: --iterations needs a positive integer, got ${text === undefined ? "nothing" : `'${text}'`}`;
      iterations = Number(text);
    } else if (arg.startsWith("-")) return `bench: unknown option '${arg}'`;
    else if (file === undefined) file = arg;
    else return `bench: unexpected argument '${arg}'`;
  }
  if (file === undefined) return "bench: missing FILE argument";
  return { file, iterations, json };
}

/** Summary statistics of the timed runs, in milliseconds. */
export function summarize(samples: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0] ?? 0, median, max: sorted[sorted.length - 1] ?? 0 };
}

/** One run in a fresh VM; returns its wall time, output and error. */
async function timedRun(module: CompiledModule, keepOutput: boolean) {
  const out: string[] = [];
  const vm = createVm({ output: keepOutput ? (text) => out.push(text) : () => {} });
  const started = now();
  const result = await vm.run(module);
  return { ms: now() - started, output: out.join(""), error: result.error };
}

function failRun(error: VmError, file: string, source: string): void {
  stderr.write(
    renderRuntimeError(error, file, (f) => (f === file ? source : fileExists(f) ? readText(f) : undefined)),
  );
  stderr.flush();
  setExitCode(1);
}

const fixed = (ms: number): string => ms.toFixed(ms < 10 ? 2 : 1);

export async function benchCommand(args: string[]): Promise<void> {
  const parsed = parseBenchArgs(args);
  if (typeof parsed === "string") return usageError(parsed);
  const { file, iterations, json } = parsed;
  const source = readSourceOrFail(file, "bench");
  if (source === undefined) return;
  const compileStart = now();
  const compiled = compileSource(source, file);
  const compileMs = now() - compileStart;
  if (!compiled.module) {
    stderr.write(renderDiagnostics(compiled.diagnostics, file, source));
    stderr.flush();
    return setExitCode(1);
  }
  const startRss = currentRssMib();
  collectGarbage();
  const warmup = await timedRun(compiled.module, json);
  if (warmup.error) return failRun(warmup.error, file, source);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // Compiled before, so this cannot fail; a fresh module per VM (see the header).
    const run = await timedRun(compileSource(source, file).module!, false);
    if (run.error) return failRun(run.error, file, source);
    samples.push(run.ms);
  }
  const { min, median, max } = summarize(samples);
  if (json) {
    const report = {
      file,
      iterations,
      compileMs,
      warmupMs: warmup.ms,
      minMs: min,
      medianMs: median,
      maxMs: max,
    };
    const memory = { startRssMib: startRss, peakRssMib: peakRssMib() };
    stdout.write(`${JSON.stringify({ ...report, samplesMs: samples, ...memory, output: warmup.output })}\n`);
  } else {
    stdout.write(
      `bench ${file}: ${iterations} iterations, compile ${fixed(compileMs)} ms, ` +
        `min ${fixed(min)} ms, median ${fixed(median)} ms, max ${fixed(max)} ms\n`,
    );
  }
  stdout.flush();
}
