// Golden tests for the compiler's output as the disassembler prints it, plus
// structural checks of compiled code. Each program below is compiled and its
// listing compared with `__golden__/<name>.dis`; a change in code generation
// shows up as a reviewable diff. `UPDATE_EXPECTED=1` rewrites the golden
// files (read the diff before committing). The structural checks walk every
// function of every fixture program: jump targets must land on instruction
// starts and constant operands must index the pool.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileModule } from "../compiler/compile-module.ts";
import { parse } from "../syntax/parser.ts";
import { disassemble } from "./disassemble.ts";
import { CONST_OPERAND, JUMP_OPERAND, OPERANDS, Op } from "./opcodes.ts";
import type { FnProto } from "./proto.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenDir = path.join(here, "__golden__");
const fixturesDir = path.join(here, "..", "..", "tests", "fixtures");
const update = process.env.UPDATE_EXPECTED === "1";

/** Small programs whose listings are pinned; each exercises one code shape. */
const PROGRAMS: Record<string, string> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Harn interpolation, not a JS template.
  let_and_call: 'let x = 1 + 2\nprintln("x=${x}")\n',
  fn_defaults_and_loop: [
    "fn add(a, b = 2) {",
    "  return a + b",
    "}",
    "for i in [1, 2, 3] {",
    "  if i > 2 {",
    "    break",
    "  }",
    "  println(add(i))",
    "}",
  ].join("\n"),
  closure_capture: [
    "fn make(n) {",
    "  let k = n * 2",
    "  return { x -> x + k }",
    "}",
    "let add2 = make(1)",
    "println(add2(3))",
  ].join("\n"),
  try_catch_finally: [
    "fn risky(v) {",
    "  try {",
    '    if v { throw "bad" }',
    "    return 1",
    "  } catch (e) {",
    "    return e",
    "  } finally {",
    '    println("done")',
    "  }",
    "}",
  ].join("\n"),
  match_guard: [
    "fn kind(n) {",
    "  return match n {",
    '    0 -> { "zero" }',
    '    x if x < 0 -> { "negative" }',
    '    _ -> { "positive" }',
    "  }",
    "}",
  ].join("\n"),
  nil_coalesce_and_pipe: 'let v = nil\nprintln(v?.name ?? "anon")\nprintln(3 |> { x -> x * x })\n',
};

function compile(source: string, file: string): FnProto {
  const parsed = parse(source);
  assert.deepEqual(
    parsed.diagnostics.map((d) => d.message),
    [],
  );
  const compiled = compileModule(parsed.program, file);
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("\n"));
  return compiled.module.main;
}

describe("golden listings", () => {
  for (const [name, source] of Object.entries(PROGRAMS)) {
    test(name, () => {
      const listing = `${disassemble(compile(source, `${name}.harn`)).trimEnd()}\n`;
      const golden = path.join(goldenDir, `${name}.dis`);
      if (update) {
        writeFileSync(golden, listing);
        return;
      }
      assert.ok(existsSync(golden), `missing ${golden}; run with UPDATE_EXPECTED=1 to create it`);
      assert.equal(listing, readFileSync(golden, "utf8"));
    });
  }
});

describe("listing format", () => {
  test("one header per function, then `IP  Lline  Op operands ; note`", () => {
    const listing = disassemble(compile(PROGRAMS.fn_defaults_and_loop!, "f.harn"));
    const headers = listing.split("\n").filter((l) => l.startsWith("fn "));
    assert.deepEqual(headers, ["fn <main>() locals=2 captures=0", "fn add(a, b) locals=2 captures=0"]);
    for (const line of listing.split("\n")) {
      if (line === "" || line.startsWith("fn ")) continue;
      assert.match(line, /^\d{4} {2}L\d+ +[A-Z][A-Za-z]*( -?\d+| ->\d{4})*( +; .*)?$/, line);
    }
  });

  test("jump operands print as targets and locals print their names", () => {
    const listing = disassemble(compile("var n = 0\nwhile n < 3 {\n  n += 1\n}\n", "w.harn"));
    assert.match(listing, /JumpIfNot\w* (?:\d+ )?->\d{4}/);
    const fn = disassemble(compile("fn f(count) {\n  return count\n}\n", "l.harn"));
    assert.match(fn, /GetLocal 0 +; count/);
  });

  test("constants are annotated with their value", () => {
    const listing = disassemble(compile('println("hi")\nprintln(2.0)\nprintln(5s)\n', "c.harn"));
    assert.match(listing, /; "hi"/);
    assert.match(listing, /; 2\.0/);
    assert.match(listing, /; 5000ms/);
  });
});

/** Every function reachable from `proto`. */
function allProtos(proto: FnProto): FnProto[] {
  const out = [proto];
  for (const inner of proto.protos) out.push(...allProtos(inner));
  return out;
}

/** Problems found in one function's code: bad jumps, bad constants, truncated operands. */
function codeProblems(p: FnProto): string[] {
  const starts = new Set<number>();
  const problems: string[] = [];
  for (let ip = 0; ip < p.code.length; ip += 1 + (OPERANDS[p.code[ip] as Op] ?? 0)) {
    const op = p.code[ip] as Op;
    if (Op[op] === undefined) problems.push(`${p.name}@${ip}: unknown opcode ${op}`);
    starts.add(ip);
  }
  for (const ip of starts) {
    const op = p.code[ip] as Op;
    const n = OPERANDS[op] ?? 0;
    if (ip + n >= p.code.length) problems.push(`${p.name}@${ip}: ${Op[op]} operands run past the end`);
    const jump = JUMP_OPERAND[op];
    if (jump !== undefined) {
      const target = p.code[ip + 1 + jump]!;
      if (!starts.has(target) && target !== p.code.length) {
        problems.push(`${p.name}@${ip}: ${Op[op]} jumps to ${target}, not an instruction start`);
      }
    }
    const k = CONST_OPERAND[op];
    if (k !== undefined && p.code[ip + 1 + k]! >= p.consts.length) {
      problems.push(`${p.name}@${ip}: ${Op[op]} constant ${p.code[ip + 1 + k]} out of range`);
    }
  }
  return problems;
}

function fixturePrograms(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...fixturePrograms(full));
    else if (entry.name.endsWith(".harn")) found.push(full);
  }
  return found.sort();
}

describe("structure of compiled code", () => {
  test("jumps and constants of every golden program are well formed", () => {
    for (const [name, source] of Object.entries(PROGRAMS)) {
      for (const p of allProtos(compile(source, `${name}.harn`))) assert.deepEqual(codeProblems(p), []);
    }
  });

  test("jumps and constants of every fixture program are well formed", () => {
    let checked = 0;
    for (const file of fixturePrograms(fixturesDir)) {
      const parsed = parse(readFileSync(file, "utf8"));
      if (parsed.diagnostics.length > 0) continue;
      const compiled = compileModule(parsed.program, file);
      if (!compiled.module) continue;
      for (const p of allProtos(compiled.module.main)) {
        assert.deepEqual(codeProblems(p), [], path.relative(fixturesDir, file));
      }
      checked++;
    }
    assert.ok(checked > 0, "no fixture programs found");
  });

  test("every function ends in a Return", () => {
    for (const [name, source] of Object.entries(PROGRAMS)) {
      for (const p of allProtos(compile(source, `${name}.harn`))) {
        let last = 0;
        for (let ip = 0; ip < p.code.length; ip += 1 + (OPERANDS[p.code[ip] as Op] ?? 0)) last = ip;
        assert.equal(Op[p.code[last] as Op], "Return", `${name}: ${p.name}`);
      }
    }
  });
});
