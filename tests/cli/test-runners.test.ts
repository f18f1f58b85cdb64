// Tests for `harn test`: the matching rules (filters, .error specs, output
// normalisation), argument parsing, JUnit XML, both runners called directly
// with captured output against the fixture folders under
// tests/cli/fixtures/, and the built CLI's exit codes.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  errorMatches,
  matchesFilter,
  normalizeOutput,
  resolveSelection,
  runConformance,
  simpleDiff,
} from "../../src/cli/conformance-runner.ts";
import { junitXml, xmlEscape } from "../../src/cli/junit.ts";
import { parseTestArgs } from "../../src/cli/test-cmd.ts";
import { runUserTests, testPipelineNames } from "../../src/cli/user-test-runner.ts";
import { setEnvScoped } from "../../src/host/test-host.ts";
import { parse } from "../../src/syntax/parser.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const suite = path.join(here, "fixtures/conformance");
const userTests = path.join(here, "fixtures/user-tests");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    sinks: {
      write: (t: string) => void out.push(t),
      writeError: (t: string) => void err.push(t),
      color: false,
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

async function runSuite(filter?: string, junit?: string) {
  const files = resolveSelection(suite);
  assert.ok(Array.isArray(files));
  const c = capture();
  const summary = await runConformance(suite, files, {
    ...c.sinks,
    timeoutMs: 300,
    verbose: false,
    timing: false,
    ...(filter !== undefined && { filter }),
    ...(junit !== undefined && { junit }),
  });
  return { summary, out: c.out() };
}

describe("conformance matching rules", () => {
  it("filters by substring, alternatives, globs and regexes", () => {
    assert.ok(matchesFilter("tests/lang/let.harn", "lang/"));
    assert.ok(!matchesFilter("tests/lang/let.harn", "errors"));
    assert.ok(matchesFilter("errors/x.harn", "tests/ | errors/"));
    assert.ok(matchesFilter("tests/lang/let_var.harn", "*let_?ar*"));
    assert.ok(!matchesFilter("tests/lang/let.harn", "*.json"));
    assert.ok(matchesFilter("tests/lang/let.harn", "re:^tests/.*\\.harn$"));
    assert.ok(!matchesFilter("tests/lang/let.harn", "re:(unclosed"));
  });

  it("matches .error specs by substring, re: pattern, or any of several lines", () => {
    assert.ok(errorMatches("Thrown: disk full", "disk full"));
    assert.ok(!errorMatches("Thrown: disk full", "disk empty"));
    assert.ok(errorMatches("Type error: expected int (line 4)", "re: expected \\w+ \\(line \\d+\\)"));
    assert.ok(!errorMatches("anything", "re: [broken"));
    assert.ok(errorMatches("Thrown: b", "a\nre: ^Thrown: b$"));
    assert.ok(!errorMatches("Thrown: c", "a\nb"));
  });

  it("trims trailing whitespace and masks timer durations", () => {
    assert.equal(normalizeOutput("a\r\n[timer] load: 15ms\nb\n\n"), "a\n[timer] load: <ms>\nb");
    assert.equal(normalizeOutput("[timer] a: b: 3ms"), "[timer] a: b: <ms>");
    assert.equal(normalizeOutput("[clock] load: 15ms"), "[clock] load: 15ms");
  });

  it("diffs line by line", () => {
    assert.equal(simpleDiff("a\nb", "a\nc\nd"), "  a\n- b\n+ c\n- \n+ d\n");
  });

  it("resolves selections inside the suite and rejects others", () => {
    const all = resolveSelection(suite);
    assert.ok(Array.isArray(all));
    const rel = all.map((f) => path.relative(suite, f));
    assert.ok(rel.includes("output/helpers/util.harn"), "helpers are listed (and skipped later)");
    assert.ok(!rel.includes("output/ignored.harn"), ".conformance-skip removes a file");
    assert.deepEqual(rel, [...rel].sort());
    const one = resolveSelection(suite, "errors");
    assert.ok(Array.isArray(one) && one.every((f) => f.includes(`${path.sep}errors${path.sep}`)));
    assert.ok("error" in (resolveSelection(suite, "nowhere") as object));
    assert.ok("error" in (resolveSelection(suite, here) as object));
  });
});

describe("harn test conformance runner", () => {
  it("passes, fails and times out the fixtures and writes JUnit", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harn-junit-"));
    try {
      const junit = path.join(dir, "report.xml");
      const { summary, out } = await runSuite(undefined, junit);
      assert.equal(summary.passed, 7);
      assert.equal(summary.failed, 5);
      assert.ok(summary.ok);
      const passing = ["errors/any_line", "errors/parse_failure", "errors/regex_spec", "output/greeting"];
      // replay/: the LLM calls are answered by the recorded `.llm-mock.jsonl` beside the test.
      for (const t of [...passing, "replay/recorded_answers"]) {
        assert.match(out, new RegExp(`^ {2}PASS {2}${t}\\.harn$`, "m"));
      }
      for (const t of ["errors/succeeds", "errors/wrong_message", "output/throws", "slow/spin"]) {
        assert.match(out, new RegExp(`^ {2}FAIL {2}${t}\\.harn$`, "m"));
      }
      assert.doesNotMatch(out, /helpers\/util|ignored/);
      assert.match(out, /\n\n7 passed, 5 failed, 12 total\n/);
      assert.match(out, /slow\/spin\.harn: timed out after 300ms/);
      assert.match(out, /output\/throws\.harn: runtime error: Thrown: kaput/);
      assert.match(out, /expected error containing 'Thrown', but succeeded/);
      assert.match(out, /- 7\n\s*\+ 6/);
      const xml = readFileSync(junit, "utf8");
      assert.match(xml, /<testsuite name="harn" tests="12" failures="5"/);
      assert.match(xml, /<testcase name="output\/greeting.harn" time="[\d.]+" \/>/);
      assert.match(
        xml,
        /<failure message="test failed">errors\/succeeds.harn: expected error containing &apos;/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies --filter to paths relative to the suite", async () => {
    const { summary, out } = await runSuite("errors/");
    assert.equal(summary.passed + summary.failed, 6);
    assert.doesNotMatch(out, /output\//);
  });
});

describe("harn test user runner", () => {
  it("discovers test_ pipelines and @test pipelines in source order", () => {
    const { program } = parse(readFileSync(path.join(userTests, "arithmetic.harn"), "utf8"));
    assert.deepEqual(testPipelineNames(program), ["test_double", "test_wrong_expectation", "doubles_zero"]);
    assert.deepEqual(testPipelineNames(program, "zero"), ["doubles_zero"]);
  });

  it("runs each test in its own VM, reporting failures and timeouts", async () => {
    const c = capture();
    const summary = await runUserTests(userTests, { ...c.sinks, timeoutMs: 300 });
    const out = c.out();
    assert.equal(summary.passed, 3);
    assert.equal(summary.failed, 2);
    assert.match(out, /^Running 5 tests from 2 files\.\.\.\n\n/);
    assert.match(out, /^ {2}PASS {2}test_double \[.*arithmetic\.harn\] \(\d+ ms\)$/m);
    assert.match(out, /^ {2}PASS {2}doubles_zero \[/m);
    assert.match(
      out,
      /^ {2}FAIL {2}test_wrong_expectation \[.*\]\n {8}Thrown: Assertion failed: expected 5, got 4/m,
    );
    assert.match(out, /^ {2}FAIL {2}test_spins_forever \[.*strings\.harn\]\n {8}timed out after 300ms$/m);
    assert.doesNotMatch(out, /helper|plain\.harn/);
    assert.match(out, /\n3 passed, 2 failed, 5 total \(\d+ ms\)\n$/);
  });

  it("filters by test name and says so when nothing matches", async () => {
    const c = capture();
    const summary = await runUserTests(userTests, { ...c.sinks, timeoutMs: 1000, filter: "no_such_test" });
    assert.equal(summary.passed + summary.failed, 0);
    assert.match(c.out(), /No test pipelines found\n0 passed, 0 failed, 0 total/);
  });
});

describe("harn test arguments and reports", () => {
  it("parses options in both --name value and --name=value forms", () => {
    const args = parseTestArgs([
      "conformance",
      "dir",
      "--filter=a|b",
      "--timeout",
      "300",
      "-v",
      "--junit",
      "x",
    ]);
    assert.deepEqual(args, {
      positionals: ["conformance", "dir"],
      filter: "a|b",
      timeoutMs: 300,
      junit: "x",
      verbose: true,
      timing: false,
    });
    assert.match(parseTestArgs(["--timeout", "soon"]) as string, /positive number/);
    assert.match(parseTestArgs(["--bogus"]) as string, /unknown option --bogus/);
    assert.match(parseTestArgs(["--filter"]) as string, /needs a value/);
  });

  it("escapes XML and drops control characters", () => {
    assert.equal(xmlEscape(`<a href="x">&'\x1b[31m`), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;[31m");
    const xml = junitXml([
      { name: "t<1>", classname: "f.harn", passed: false, message: "bad & worse", durationMs: 1500 },
    ]);
    assert.match(xml, /<testsuite name="harn" tests="1" failures="1" time="1.500">/);
    assert.match(xml, /<testcase name="t&lt;1&gt;" classname="f.harn" time="1.500">/);
    assert.match(xml, /<failure message="test failed">bad &amp; worse<\/failure>/);
  });

  it("scopes environment variables", () => {
    const name = "HARN_TEST_RUNNER_SCOPED";
    const restore = setEnvScoped({ [name]: "1" });
    assert.equal(process.env[name], "1");
    restore();
    assert.equal(process.env[name], undefined);
  });
});

const bundle = path.join(repo, "dist/harn.cjs");

describe("harn test via the built CLI", {
  skip: !existsSync(bundle) && "run node scripts/build.mjs first",
}, () => {
  const harn = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(repo, "bin/harn.mjs"), "test", ...args], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });

  it("exits 0 when every selected test passes", () => {
    const r = harn("conformance", suite, "--filter", "greeting|helper|any_line");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\n3 passed, 0 failed, 3 total\n$/);
  });

  it("exits 1 on failures, including a timeout", () => {
    const r = harn("conformance", suite, "slow", "--timeout", "300");
    assert.equal(r.status, 1);
    assert.match(r.stdout, /0 passed, 1 failed, 1 total/);
    const u = harn(path.join(userTests, "nested"), "--timeout", "300");
    assert.equal(u.status, 1);
    assert.match(u.stdout, /1 passed, 1 failed, 2 total/);
  });

  it("replays recorded LLM responses with harn run --llm-mock", () => {
    const dir = path.join(suite, "replay");
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, "bin/harn.mjs"),
        "run",
        "--llm-mock",
        path.join(dir, "recorded_answers.llm-mock.jsonl"),
        path.join(dir, "recorded_answers.harn"),
      ],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "recorded one\nrecorded two\n");
    const missing = spawnSync(process.execPath, [path.join(repo, "bin/harn.mjs"), "run", "--llm-mock"], {
      encoding: "utf8",
    });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--llm-mock needs an existing JSONL file/);
  });

  it("reports bad arguments as usage errors (exit 2)", () => {
    for (const args of [
      ["conformance", "/no/such/dir"],
      ["/no/such/file.harn"],
      ["x.harn", "--timeout", "0"],
    ]) {
      const r = harn(...args);
      assert.equal(r.status, 2, args.join(" "));
      assert.match(r.stderr, /^harn: test[^\n]*\n$/);
    }
  });
});
