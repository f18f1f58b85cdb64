// `harn test PATH`: user tests. PATH is a .harn file or a folder searched
// recursively (sorted; only files mentioning `test_` or `@test` are parsed).
// A test is a top-level pipeline named `test_*` or marked `@test`; each one
// runs on its own, in a fresh VM with that pipeline as the entry, and passes
// when it finishes without an uncaught error (assertions throw). LLM calls
// are disabled and the provider defaults to `mock` for the duration, as in
// the reference runner.

import { fileExists, isDirectory, listFiles, paths, readText } from "../host/node-fs.ts";
import { cwd } from "../host/node-process.ts";
import { setEnvScoped } from "../host/test-host.ts";
import type { Node } from "../syntax/ast.ts";
import { parse } from "../syntax/parser.ts";
import type { SuiteSummary } from "./conformance-runner.ts";
import { type JunitCase, writeJunit } from "./junit.ts";
import { renderDiagnostics, renderRuntimeError } from "./render.ts";
import { painter, runTimed, type TimedRun } from "./timed-runner.ts";

export interface UserTestOptions {
  /** Substring of the test (pipeline) name. */
  readonly filter?: string;
  readonly timeoutMs: number;
  readonly junit?: string;
  readonly color: boolean;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
}

interface TestResult {
  readonly name: string;
  /** The file as shown to the user. */
  readonly file: string;
  readonly passed: boolean;
  readonly error: string;
  readonly durationMs: number;
  readonly settled: boolean;
}

/** Names of the test pipelines of a parsed file, in source order. */
export function testPipelineNames(program: readonly Node[], filter?: string): string[] {
  const names: string[] = [];
  for (const node of program) {
    const marked = node.kind === "AttributedDecl" && node.attributes.some((a) => a.name === "test");
    const decl = node.kind === "AttributedDecl" ? node.inner : node;
    if (decl.kind !== "Pipeline") continue;
    if (!marked && !decl.name.startsWith("test_")) continue;
    if (filter !== undefined && !decl.name.includes(filter)) continue;
    names.push(decl.name);
  }
  return names;
}

/** The candidate files under a folder: .harn files that mention a test at all, sorted. */
export function discoverTestFiles(dir: string): string[] {
  return listFiles(dir, ".harn").filter((f) => {
    const text = readText(f);
    return text.includes("test_") || text.includes("@test");
  });
}

/** Paths inside the working directory are shown relative to it, others absolute. */
function shownPath(file: string): string {
  const rel = paths.relative(cwd(), file);
  return rel === "" || rel.startsWith("..") || paths.isAbsolute(rel) ? file : rel;
}

/** Why a test failed, with the location snippet; `file` is the path the run was given. */
function errorText(run: TimedRun, file: string, source: string, timeoutMs: number): string {
  const { outcome } = run;
  switch (outcome.kind) {
    case "ok":
      return "";
    case "timeout":
      return `timed out after ${timeoutMs}ms`;
    case "internal":
      return `internal error: ${outcome.message}`;
    case "diagnostics":
      return renderDiagnostics(outcome.diagnostics, file, source).trimEnd();
    case "error": {
      const sources = (f: string): string | undefined =>
        f === file ? source : fileExists(f) ? readText(f) : undefined;
      // The FAIL line already says it failed: drop the leading "error: ".
      return renderRuntimeError(outcome.error, file, sources)
        .trimEnd()
        .replace(/^error: /, "");
    }
  }
}

async function runFile(file: string, options: UserTestOptions): Promise<TestResult[]> {
  const source = readText(file);
  const shown = shownPath(file);
  const parsed = parse(source);
  if (parsed.diagnostics.length > 0) {
    const error = renderDiagnostics(parsed.diagnostics, shown, source).trimEnd();
    return [{ name: "<file error>", file: shown, passed: false, error, durationMs: 0, settled: true }];
  }
  const results: TestResult[] = [];
  for (const name of testPipelineNames(parsed.program, options.filter)) {
    const run = await runTimed(source, shown, {
      entry: name,
      timeoutMs: options.timeoutMs,
      errorOutput: options.writeError,
    });
    const passed = run.outcome.kind === "ok";
    const error = errorText(run, shown, source, options.timeoutMs);
    results.push({ name, file: shown, passed, error, durationMs: run.durationMs, settled: run.settled });
  }
  return results;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Run the tests under `target` (a file or folder) and print the report. */
export async function runUserTests(target: string, options: UserTestOptions): Promise<SuiteSummary> {
  const root = paths.resolve(target);
  const files = isDirectory(root) ? discoverTestFiles(root) : [root];
  const start = Date.now();
  const results: TestResult[] = [];
  const restoreEnv = setEnvScoped({ HARN_LLM_PROVIDER: "mock", HARN_LLM_CALLS_DISABLED: "1" }, [
    "HARN_LLM_PROVIDER",
  ]);
  try {
    for (const file of files) results.push(...(await runFile(file, options)));
  } finally {
    restoreEnv();
  }
  const durationMs = Date.now() - start;
  return report(results, durationMs, options);
}

function report(results: readonly TestResult[], durationMs: number, options: UserTestOptions): SuiteSummary {
  const { write } = options;
  const paint = painter(options.color);
  const fileCount = new Set(results.map((r) => r.file)).size;
  if (results.length > 0) {
    write(`Running ${plural(results.length, "test")} from ${plural(fileCount, "file")}...\n\n`);
  }
  for (const r of results) {
    if (r.passed) {
      write(`  ${paint.green("PASS")}  ${r.name} [${r.file}] (${r.durationMs} ms)\n`);
      continue;
    }
    write(`  ${paint.red("FAIL")}  ${r.name} [${r.file}]\n`);
    for (const line of r.error.split("\n")) write(`        ${line}\n`);
  }
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  write("\n");
  if (results.length === 0) write("No test pipelines found\n");
  const summary = `${passed} passed, ${failed} failed, ${results.length} total (${durationMs} ms)`;
  write(`${failed > 0 ? paint.red(summary) : paint.green(summary)}\n`);
  const cases: JunitCase[] = results.map((r) => ({
    name: r.name,
    classname: r.file,
    passed: r.passed,
    message: r.error,
    durationMs: r.durationMs,
  }));
  const reported = options.junit === undefined || writeJunit(options.junit, cases, write, options.writeError);
  return { passed, failed, ok: reported, leftRunning: results.some((r) => !r.settled) };
}
