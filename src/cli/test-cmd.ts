// `harn test ...`: argument parsing and dispatch to the two runners.
//
//   harn test [PATH] [--filter F] [--timeout MS] [--junit FILE]
//   harn test conformance [DIR] [SELECTION] [--filter F] [--timeout MS]
//             [--junit FILE] [--verbose|-v] [--timing]
//
// PATH defaults to ./tests. The reference CLI reads `harn test conformance
// SELECTION` with the suite always at ./conformance; we take the suite
// folder as the first argument instead, and fall back to the reference's
// reading when that argument is not a folder but ./conformance is. Bad
// arguments are one-line usage errors (exit 2); failing tests exit 1.

import { fileExists, isDirectory, paths } from "../host/node-fs.ts";
import { setExitCode, stderr, stdout } from "../host/node-process.ts";
import { exitNow, stdoutWantsColor } from "../host/test-host.ts";
import { resolveSelection, runConformance, type SuiteSummary } from "./conformance-runner.ts";
import { usageError } from "./usage.ts";
import { runUserTests } from "./user-test-runner.ts";

const DEFAULT_TIMEOUT_MS = 30_000;

interface TestArgs {
  readonly positionals: string[];
  filter?: string;
  timeoutMs: number;
  junit?: string;
  verbose: boolean;
  timing: boolean;
}

/** Parse the options; returns an error message for bad input. */
export function parseTestArgs(args: readonly string[]): TestArgs | string {
  const parsed: TestArgs = { positionals: [], timeoutMs: DEFAULT_TIMEOUT_MS, verbose: false, timing: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--verbose" || name === "-v" || name === "--timing") {
      if (eq > 0) return `test: ${name} takes no value`;
      if (name === "--timing") parsed.timing = true;
      else parsed.verbose = true;
      continue;
    }
    if (name !== "--filter" && name !== "--timeout" && name !== "--junit")
      return `test: unknown option ${arg}`;
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) return `test: ${name} needs a value`;
    if (name === "--filter") parsed.filter = value;
    else if (name === "--junit") parsed.junit = value;
    else {
      if (!/^\d+$/.test(value) || Number(value) <= 0)
        return `test: --timeout needs a positive number of ms, got '${value}'`;
      parsed.timeoutMs = Number(value);
    }
  }
  return parsed;
}

export async function testCommand(args: string[]): Promise<void> {
  const parsed = parseTestArgs(args);
  if (typeof parsed === "string") return usageError(parsed);
  const [target, ...rest] = parsed.positionals;
  const summary =
    target === "conformance" ? await conformance(rest, parsed) : await userTests(target, rest, parsed);
  if (summary === undefined) return;
  stdout.flush();
  stderr.flush();
  const code = summary.failed > 0 || !summary.ok ? 1 : 0;
  setExitCode(code);
  // A timed-out run that ignored cancellation may hold the event loop open.
  if (summary.leftRunning) exitNow(code);
}

const sinks = () => ({ color: stdoutWantsColor(), write: stdout.write, writeError: stderr.write });

async function conformance(rest: readonly string[], args: TestArgs): Promise<SuiteSummary | undefined> {
  let [dir, selection, extra] = rest;
  if (extra !== undefined) return void usageError(`test conformance: unexpected argument '${extra}'`);
  if (dir === undefined && !isDirectory("conformance")) {
    return void usageError("test conformance: missing DIR (and no conformance/ directory here)");
  }
  if (dir === undefined || (!isDirectory(dir) && selection === undefined && isDirectory("conformance"))) {
    // The reference's reading: the suite is ./conformance, the argument a selection in it.
    selection = dir;
    dir = "conformance";
  }
  if (!isDirectory(dir)) {
    return void usageError(
      fileExists(dir)
        ? `test conformance: not a directory: ${dir}`
        : `test conformance: directory not found: ${dir}`,
    );
  }
  const root = paths.resolve(dir);
  const files = resolveSelection(root, selection);
  if (!Array.isArray(files)) return void usageError(`test conformance: ${files.error}`);
  return runConformance(root, files, {
    ...sinks(),
    timeoutMs: args.timeoutMs,
    verbose: args.verbose,
    timing: args.timing,
    ...(args.filter !== undefined && { filter: args.filter }),
    ...(args.junit !== undefined && { junit: args.junit }),
  });
}

async function userTests(
  target: string | undefined,
  rest: readonly string[],
  args: TestArgs,
): Promise<SuiteSummary | undefined> {
  if (rest.length > 0) {
    return void usageError("test: only `harn test conformance` accepts a second positional argument");
  }
  if (target === undefined) {
    if (!isDirectory("tests")) return void usageError("test: missing PATH (and no tests/ directory here)");
    target = "tests";
  }
  if (!fileExists(target)) return void usageError(`test: path not found: ${target}`);
  if (!isDirectory(target) && !target.endsWith(".harn")) {
    return void usageError(`test: expected a .harn file or a directory: ${target}`);
  }
  return runUserTests(target, {
    ...sinks(),
    timeoutMs: args.timeoutMs,
    ...(args.filter !== undefined && { filter: args.filter }),
    ...(args.junit !== undefined && { junit: args.junit }),
  });
}
