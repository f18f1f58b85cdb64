// The table-driven fixture runner. Every `tests/fixtures/<area>/<name>.harn`
// is one test: it runs in-process through `runSource` with a captured output
// sink and is checked against its sibling expectation file:
//
//   <name>.expected  exact stdout (both sides compared after trimEnd)
//   <name>.error     the run must fail; each non-blank line is an alternative,
//                    a substring of the error text or a `re:` regular
//                    expression. The error text is the rendered compile
//                    diagnostics, or `uncaughtMessage(error)` for a run-time
//                    error.
//
// Header directives are `//` comment lines at the top of a fixture:
//   // @skip <reason>      do not run this fixture
//
// `tests/known-failures.txt` lists fixtures the implementation does not pass
// yet (`<path relative to tests/fixtures>  <reason>`). A listed fixture that
// fails is reported and tolerated; a listed fixture that passes FAILS the run,
// so the list can only shrink. `UPDATE_EXPECTED=1` rewrites `.expected` files
// from the actual output (never for listed fixtures); review the diff by hand.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { renderDiagnostic } from "../src/diagnostics/diagnostic.ts";
import { runSource, uncaughtMessage } from "../src/engine.ts";
import type { JitMode } from "../src/vm/jit/tier.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
// Agent workers persist snapshots; keep them out of the repository.
const workerState = mkdtempSync(path.join(tmpdir(), "harn-fixture-workers-"));
process.env.HARN_WORKER_STATE_DIR = workerState;
process.env.HARN_RUN_DIR = path.join(workerState, "runs");
// No fixture may reach a real model, whatever API keys the environment holds.
process.env.HARN_LLM_CALLS_DISABLED = "1";
const fixturesRoot = path.join(here, "fixtures");
const knownFailuresFile = path.join(here, "known-failures.txt");
const update = process.env.UPDATE_EXPECTED === "1";
/** A fixture that runs longer than this is cancelled and fails. */
const RUN_TIMEOUT_MS = 15_000;

interface Fixture {
  /** Path relative to tests/fixtures, with forward slashes (`values/ints.harn`). */
  readonly name: string;
  readonly area: string;
  readonly file: string;
  readonly source: string;
  readonly skip?: string;
}

/** What running a fixture produced. */
interface Actual {
  readonly stdout: string;
  /** The error text when the program did not complete normally. */
  readonly error?: string;
}

function listFixtures(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...listFixtures(path.join(dir, entry.name), relative));
    else if (entry.isFile() && entry.name.endsWith(".harn")) found.push(relative);
  }
  return found.sort();
}

/** Reads `// @name value` lines from the top of a fixture. */
function directives(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of source.split("\n")) {
    const m = /^\/\/\s*@(\w+)\s*(.*)$/.exec(line.trim());
    if (m === null) break;
    found.set(m[1]!, m[2]!.trim());
  }
  return found;
}

function loadFixture(name: string): Fixture {
  const file = path.join(fixturesRoot, name);
  const source = readFileSync(file, "utf8");
  const skip = directives(source).get("skip");
  const area = name.includes("/") ? name.slice(0, name.indexOf("/")) : ".";
  return skip === undefined ? { name, area, file, source } : { name, area, file, source, skip };
}

/** `path  reason` per line; `#` starts a comment line. */
function loadKnownFailures(): Map<string, string> {
  const known = new Map<string, string>();
  if (!existsSync(knownFailuresFile)) return known;
  for (const raw of readFileSync(knownFailuresFile, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    known.set(m[1]!, m[2]! || "(no reason given)");
  }
  return known;
}

async function runFixture(fixture: Fixture, jit: JitMode): Promise<Actual> {
  const chunks: string[] = [];
  const signal = AbortSignal.timeout(RUN_TIMEOUT_MS);
  const outcome = await runSource(fixture.source, fixture.file, {
    output: (text) => chunks.push(text),
    errorOutput: () => {},
    signal,
    jit,
  });
  const stdout = chunks.join("");
  switch (outcome.kind) {
    case "ok":
      return { stdout };
    case "error":
      return { stdout, error: uncaughtMessage(outcome.error) };
    case "diagnostics": {
      const shown = `fixtures/${fixture.name}`;
      const error = outcome.diagnostics.map((d) => renderDiagnostic(d, shown, fixture.source)).join("");
      return { stdout, error };
    }
  }
}

/** One `.error` line: a `re:` pattern or a plain substring. */
function errorLineMatches(pattern: string, text: string): boolean {
  if (pattern.startsWith("re:")) return new RegExp(pattern.slice(3)).test(text);
  return text.includes(pattern);
}

/** Throws an AssertionError describing the mismatch, or returns when the fixture passes. */
function check(fixture: Fixture, actual: Actual): void {
  const base = fixture.file.slice(0, -".harn".length);
  const expectedFile = `${base}.expected`;
  const errorFile = `${base}.error`;
  if (existsSync(errorFile)) {
    const alternatives = readFileSync(errorFile, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    assert.ok(alternatives.length > 0, `${fixture.name}: the .error file is empty`);
    if (actual.error === undefined) {
      assert.fail(`expected an error matching ${JSON.stringify(alternatives)}, but the program completed`);
    }
    const error = actual.error;
    assert.ok(
      alternatives.some((p) => errorLineMatches(p, error)),
      `error text does not match any of ${JSON.stringify(alternatives)}:\n${error}`,
    );
    return;
  }
  if (actual.error !== undefined) {
    assert.fail(`unexpected error: ${actual.error}\n--- stdout so far ---\n${actual.stdout}`);
  }
  assert.ok(existsSync(expectedFile), `${fixture.name} has neither a .expected nor a .error file`);
  const expected = readFileSync(expectedFile, "utf8").replace(/\r\n/g, "\n");
  assert.equal(actual.stdout.replace(/\r\n/g, "\n").trimEnd(), expected.trimEnd());
}

const fixtures = listFixtures(fixturesRoot).map(loadFixture);
const knownFailures = loadKnownFailures();
const tally = { passed: 0, failed: 0, known: 0, skipped: 0 };

test("known-failures.txt names only existing fixtures", () => {
  const names = new Set(fixtures.map((f) => f.name));
  const stale = [...knownFailures.keys()].filter((n) => !names.has(n));
  assert.deepEqual(stale, [], "remove these entries from tests/known-failures.txt");
});

const areas = [...new Set(fixtures.map((f) => f.area))];
for (const area of areas) {
  describe(area, () => {
    for (const fixture of fixtures.filter((f) => f.area === area)) {
      const shortName = fixture.name.slice(area.length + 1);
      if (fixture.skip !== undefined) {
        tally.skipped++;
        test(shortName, { skip: fixture.skip }, () => {});
        continue;
      }
      test(shortName, { timeout: RUN_TIMEOUT_MS + 5_000 }, async (t) => {
        const actual = await runFixture(fixture, "off");
        const knownReason = knownFailures.get(fixture.name);
        let failure: unknown;
        try {
          check(fixture, actual);
        } catch (e) {
          failure = e;
        }
        if (knownReason !== undefined) {
          if (failure === undefined) {
            tally.failed++;
            assert.fail(`${fixture.name} passes now: remove it from tests/known-failures.txt`);
          }
          tally.known++;
          t.diagnostic(`known failure: ${knownReason}`);
          return;
        }
        if (failure !== undefined && update && actual.error === undefined) {
          const expectedFile = `${fixture.file.slice(0, -".harn".length)}.expected`;
          if (!existsSync(`${fixture.file.slice(0, -".harn".length)}.error`)) {
            writeFileSync(expectedFile, `${actual.stdout.trimEnd()}\n`);
            t.diagnostic(`rewrote ${path.relative(here, expectedFile)}`);
            tally.passed++;
            return;
          }
        }
        if (failure !== undefined) {
          tally.failed++;
          throw failure;
        }
        tally.passed++;
      });
    }
  });
}

// Every fixture again with each function compiled to JavaScript on first
// entry (jit/tier.ts): the compiling tier must not change what a program does.
describe("compiling tier forced", () => {
  for (const fixture of fixtures) {
    if (fixture.skip !== undefined || knownFailures.has(fixture.name)) continue;
    test(fixture.name, { timeout: RUN_TIMEOUT_MS + 5_000 }, async () => {
      check(fixture, await runFixture(fixture, "eager"));
    });
  }
});

after(() => {
  rmSync(workerState, { recursive: true, force: true });
  const { passed, failed, known, skipped } = tally;
  process.stdout.write(
    `fixtures: ${passed} passed, ${failed} failed, ${known} known failures, ${skipped} skipped\n`,
  );
});
