// `harn test conformance DIR [SELECTION]`: the reference's fixture format.
// Every `X.harn` under DIR (sorted, directory by directory) is a test when
// `X.expected` exists (exact output, after trimming trailing whitespace and
// masking `[timer] name: Nms` durations) or else `X.error` exists (the run
// must fail with a matching message: substring, `re:` regex, or any of
// several lines); other .harn files are helper modules and `X.conformance-skip`
// turns a test off. Each test runs in-process in a fresh VM under a deadline,
// with HARN_LLM_CALLS_DISABLED=1 so no fixture can reach a real model; an
// `X.llm-mock.jsonl` beside a test replays recorded LLM responses.

import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { uncaughtMessage } from "../engine.ts";
import { fileExists, isDirectory, listFiles, paths, readText } from "../host/node-fs.ts";
import { setEnvScoped } from "../host/test-host.ts";
import { queueLlmMockReplay } from "../stdlib/llm/index.ts";
import type { Vm } from "../vm/vm.ts";
import { type JunitCase, writeJunit } from "./junit.ts";
import { type Painter, painter, runTimed, type TimedOutcome } from "./timed-runner.ts";

export interface SuiteOptions {
  readonly filter?: string;
  readonly timeoutMs: number;
  readonly junit?: string;
  /** Timings on every line, expected/actual listings in failures, timing summary. */
  readonly verbose: boolean;
  /** Timing summary only. */
  readonly timing: boolean;
  readonly color: boolean;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
}

export interface SuiteSummary {
  readonly passed: number;
  readonly failed: number;
  /** False when the JUnit report could not be written. */
  readonly ok: boolean;
  /** A timed-out test never stopped unwinding: the caller should end the process when done. */
  readonly leftRunning: boolean;
}

/** Filter syntax: `re:<regex>`, `a|b` (any substring), a glob with `*`/`?`, else a substring. */
export function matchesFilter(rel: string, pattern: string): boolean {
  if (pattern.startsWith("re:")) return safeRegExp(pattern.slice(3))?.test(rel) ?? false;
  if (pattern.includes("|")) return pattern.split("|").some((p) => rel.includes(p.trim()));
  if (pattern.includes("*") || pattern.includes("?")) {
    const source = pattern.replace(/[.+^${}()[\]\\*?]/g, (c) =>
      c === "*" ? ".*" : c === "?" ? "." : `\\${c}`,
    );
    return safeRegExp(source)?.test(rel) ?? false;
  }
  return rel.includes(pattern);
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** Does an error message satisfy a `.error` spec (already trimEnd-ed)? */
export function errorMatches(actual: string, spec: string): boolean {
  const lines = spec.split("\n");
  if (lines.length > 1) return lines.some((line) => errorLineMatches(actual, line.trim()));
  return errorLineMatches(actual, spec.trim());
}

function errorLineMatches(actual: string, pattern: string): boolean {
  if (!pattern.startsWith("re:")) return actual.includes(pattern);
  return safeRegExp(pattern.slice(3).trim())?.test(actual) ?? false;
}

/** Trim the end, split into lines and mask timer durations, as both sides of an output test are. */
export function normalizeOutput(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => {
      const plain = line.endsWith("\r") ? line.slice(0, -1) : line;
      const timer = /^(\[timer\] .*): .*ms$/.exec(plain);
      return timer ? `${timer[1]}: <ms>` : plain;
    })
    .join("\n");
}

/** A line diff: `  same`, or `- expected` / `+ actual` pairs. */
export function simpleDiff(expected: string, actual: string, paint: Painter = painter(false)): string {
  const want = expected.split("\n");
  const got = actual.split("\n");
  let out = "";
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const e = want[i] ?? "";
    const a = got[i] ?? "";
    out += e === a ? `  ${e}\n` : `${paint.red(`- ${e}`)}\n${paint.green(`+ ${a}`)}\n`;
  }
  return out;
}

/** Component-wise order, so `a/x.harn` sorts before `a-b/y.harn` like a per-directory walk. */
function byComponents(a: string, b: string): number {
  const pa = a.split(/[\\/]/);
  const pb = b.split(/[\\/]/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return (pa[i] ?? "") < (pb[i] ?? "") ? -1 : 1;
  }
  return pa.length - pb.length;
}

function collectTests(dir: string): string[] {
  return listFiles(dir, ".harn")
    .filter((f) => !fileExists(`${f.slice(0, -5)}.conformance-skip`))
    .sort(byComponents);
}

/** The .harn files a selection (a file or folder, absolute or relative to the suite root) names. */
export function resolveSelection(root: string, selection?: string): string[] | { error: string } {
  if (selection === undefined) return collectTests(root);
  const candidates = [paths.resolve(selection)];
  if (!paths.isAbsolute(selection)) candidates.push(paths.resolve(root, selection));
  const found = candidates.find(fileExists);
  if (found === undefined) {
    return {
      error: `conformance target not found: ${selection} (expected a file or directory under ${root})`,
    };
  }
  const inside = paths.relative(root, found);
  if (inside.startsWith("..") || paths.isAbsolute(inside)) {
    return { error: `conformance target must be inside ${root}: ${selection}` };
  }
  if (!isDirectory(found)) {
    return found.endsWith(".harn")
      ? [found]
      : { error: `conformance target must be a .harn file or directory: ${selection}` };
  }
  const files = collectTests(found);
  return files.length > 0 ? files : { error: `no .harn conformance tests found under ${selection}` };
}

interface CaseResult extends JunitCase {
  /** The failure as shown on the terminal (may be coloured). */
  readonly shown: string;
}

function failureText(outcome: TimedOutcome): string {
  switch (outcome.kind) {
    case "diagnostics":
      return diagnosticsText(outcome.diagnostics);
    case "error":
      return uncaughtMessage(outcome.error);
    case "internal":
      return `internal error: ${outcome.message}`;
    case "ok":
    case "timeout":
      return "";
  }
}

function diagnosticsText(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error");
  return (errors.length > 0 ? errors : diagnostics).map((d) => d.message).join("\n");
}

/** Run one fixture against its `.expected` or `.error` file. */
async function runCase(
  file: string,
  rel: string,
  kind: "expected" | "error",
  options: SuiteOptions,
): Promise<CaseResult & { settled: boolean }> {
  const specFile = `${file.slice(0, -5)}.${kind}`;
  // A recorded `X.llm-mock.jsonl` beside the test replays its LLM calls.
  const replayFile = `${file.slice(0, -5)}.llm-mock.jsonl`;
  const replay = fileExists(replayFile) ? readText(replayFile) : undefined;
  const run = await runTimed(readText(file), file, {
    timeoutMs: options.timeoutMs,
    errorOutput: options.writeError,
    ...(replay !== undefined && { prepare: (vm: Vm) => queueLlmMockReplay(vm, replay, replayFile) }),
  });
  const { outcome, durationMs, settled } = run;
  const done = (passed: boolean, message = "", shown = message) => ({
    name: rel,
    passed,
    message,
    shown,
    durationMs,
    settled,
  });
  if (outcome.kind === "timeout") return done(false, `${rel}: timed out after ${options.timeoutMs}ms`);
  // A crash of the implementation never counts as the error a test expects.
  if (outcome.kind === "internal") return done(false, `${rel}: ${failureText(outcome)}`);
  if (kind === "expected") {
    const expected = normalizeOutput(readText(specFile));
    if (outcome.kind !== "ok") {
      const label = outcome.kind === "diagnostics" ? "compile error" : "runtime error";
      return done(false, `${rel}: ${label}: ${failureText(outcome)}`);
    }
    const actual = normalizeOutput(run.output);
    if (actual === expected) return done(true);
    const listing = options.verbose
      ? `  expected:\n    ${expected.split("\n").join("\n    ")}\n  actual:\n    ${actual.split("\n").join("\n    ")}\n  diff:\n`
      : "";
    const paint = painter(options.color);
    return done(
      false,
      `${rel}:\n${listing}${simpleDiff(expected, actual)}`,
      `${rel}:\n${listing}${simpleDiff(expected, actual, paint)}`,
    );
  }
  const spec = readText(specFile).trimEnd();
  if (outcome.kind === "ok") return done(false, `${rel}: expected error containing '${spec}', but succeeded`);
  const actual = failureText(outcome);
  if (errorMatches(actual, spec)) return done(true);
  return done(false, `${rel}:\n  expected error containing: ${spec}\n  actual error: ${actual}`);
}

/**
 * Run the fixtures `files` (from resolveSelection) of the suite at `root`
 * and print the report; see the file header for the format.
 */
export async function runConformance(
  root: string,
  files: readonly string[],
  options: SuiteOptions,
): Promise<SuiteSummary> {
  const { write } = options;
  const paint = painter(options.color);
  const showTiming = options.verbose || options.timing;
  const results: CaseResult[] = [];
  let leftRunning = false;
  const restoreEnv = setEnvScoped({ HARN_LLM_CALLS_DISABLED: "1" });
  const start = Date.now();
  try {
    for (const file of files) {
      const rel = paths.relative(root, file);
      if (options.filter !== undefined && !matchesFilter(rel, options.filter)) continue;
      const base = file.slice(0, -5);
      const kind = fileExists(`${base}.expected`)
        ? "expected"
        : fileExists(`${base}.error`)
          ? "error"
          : undefined;
      if (kind === undefined) continue;
      const result = await runCase(file, rel, kind, options);
      leftRunning ||= !result.settled;
      results.push(result);
      const label = result.passed ? paint.green("PASS") : paint.red("FAIL");
      write(`  ${label}  ${rel}${options.verbose ? ` (${result.durationMs} ms)` : ""}\n`);
    }
  } finally {
    restoreEnv();
  }
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  const summary = `${passed} passed, ${failed} failed, ${results.length} total`;
  write(`\n${failed > 0 ? paint.red(summary) : paint.green(summary)}\n`);
  if (showTiming) write(timingReport(results, Date.now() - start));
  const reported =
    options.junit === undefined || writeJunit(options.junit, results, write, options.writeError);
  if (failed > 0) {
    write("\nFailures:\n");
    for (const r of results) if (!r.passed) write(`${indent(r.shown.trimEnd())}\n`);
  }
  return { passed, failed, ok: reported, leftRunning };
}

const indent = (text: string): string => text.replace(/^/gm, "  ");

function timingReport(results: readonly CaseResult[], totalMs: number): string {
  let out = `\nTotal time: ${totalMs} ms\n`;
  const durations = results.map((r) => r.durationMs).sort((a, b) => a - b);
  const n = durations.length;
  if (n === 0) return out;
  const at = (pct: number): number => durations[Math.min(Math.floor((n * pct) / 100), n - 1)] ?? 0;
  const avg = Math.floor(durations.reduce((s, d) => s + d, 0) / n);
  out += `Per-test: avg=${avg} ms  p50=${at(50)} ms  p95=${at(95)} ms  p99=${at(99)} ms\n`;
  const slowest = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  out += `\nSlowest ${slowest.length} tests:\n`;
  for (const r of slowest) out += `  ${String(r.durationMs).padStart(6)} ms  ${r.name}\n`;
  return out;
}
