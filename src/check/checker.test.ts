// Unit tests for the static checker: the assignability relation (spec:
// "Subtyping and variance"), type printing, "did you mean" suggestions, and
// checkProgram's diagnostics — both what it must report (with the exact
// texts the reference uses) and what it must leave alone (gradual typing,
// unresolved imports, names it cannot see).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code } from "../diagnostics/messages.ts";
import type { TypeExpr } from "../syntax/ast.ts";
import { parse } from "../syntax/parser.ts";
import { type CheckOptions, checkProgram } from "./checker.ts";
import { TypeScope } from "./scope.ts";
import { typesCompatible } from "./subtype.ts";
import { closestMatch, editDistance } from "./suggest.ts";
import { formatType } from "./types.ts";

/** The parsed annotation of `let x: <text> = nil`. */
function ty(text: string): TypeExpr {
  const { program, diagnostics } = parse(`let x: ${text} = nil`);
  assert.deepEqual(diagnostics, []);
  const node = program[0]!;
  assert.ok(node.kind === "Let" && node.type);
  return node.type;
}

function errors(source: string, options: Partial<CheckOptions> = {}): string[] {
  const { program, diagnostics } = parse(source);
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    [],
  );
  const all = checkProgram(program, {
    knownNames: new Set(["log", "println"]),
    importedNames: new Set(),
    ...options,
  });
  return all.filter((d) => d.severity === "error").map((d) => d.message);
}

describe("assignability", () => {
  const scope = new TypeScope();
  const ok = (expected: string, actual: string) => typesCompatible(ty(expected), ty(actual), scope);

  test("int widens to float, not back", () => {
    assert.ok(ok("float", "int"));
    assert.ok(!ok("int", "float"));
  });
  test("list and dict are invariant, iter covariant", () => {
    assert.ok(!ok("list<float>", "list<int>"));
    assert.ok(!ok("dict<string, float>", "dict<string, int>"));
    assert.ok(ok("iter<float>", "iter<int>"));
    assert.ok(ok("list", "list<int>"));
  });
  test("function parameters are contravariant", () => {
    assert.ok(ok("fn(int) -> int", "fn(float) -> int"));
    assert.ok(!ok("fn(float) -> int", "fn(int) -> int"));
  });
  test("unknown accepts everything but flows only into unknown/any", () => {
    assert.ok(ok("unknown", "string"));
    assert.ok(!ok("string", "unknown"));
    assert.ok(ok("any", "unknown"));
    assert.ok(ok("string", "any"));
  });
  test("unions, literals and shapes", () => {
    assert.ok(ok("string | nil", "nil"));
    assert.ok(!ok("string", "string | nil"));
    assert.ok(ok('"a" | "b"', '"a"'));
    assert.ok(ok('"a" | "b"', "string"));
    assert.ok(ok("{a: int}", "{a: int, b: string}"));
    assert.ok(!ok("{a: int}", "{b: int}"));
    assert.ok(ok("{a: int, b?: string}", "{a: int}"));
  });
  test("never flows anywhere; types we cannot resolve are compatible", () => {
    assert.ok(ok("int", "never"));
    assert.ok(ok("ImportedThing", "int"));
    assert.ok(ok("list<int>", "Remote<string>"));
  });
});

describe("type printing and suggestions", () => {
  test("formats in spec syntax", () => {
    for (const text of [
      "list<int>",
      "dict<string, int>",
      "{name: string, age?: int}",
      "fn(int, string) -> bool",
    ]) {
      assert.equal(formatType(ty(text)), text);
    }
    assert.equal(formatType(ty('"a" | 1 | nil')), '"a" | 1 | nil');
  });
  test("closest match within two edits", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(closestMatch("printl", ["print", "println"], 2), "print");
    assert.equal(closestMatch("reponse", ["response", "request"], 2), "response");
    assert.equal(closestMatch("zzz", ["println"], 2), null);
  });
});

describe("checkProgram", () => {
  test("reports mismatched annotations with the reference texts", () => {
    assert.deepEqual(errors('let x: int = "s"'), ["'x' declared as int, but assigned string"]);
    assert.deepEqual(errors('pipeline p(t) { log(1 - "a") }'), [
      "can't use '-' on int and string (needs numeric operands)",
    ]);
    assert.deepEqual(errors("fn f() -> int { return nil }"), [
      "return type doesn't match: expected int, got nil",
    ]);
  });

  test("undefined calls are reported only when every import resolved", () => {
    assert.deepEqual(errors("pipeline p(t) { nope() }"), ["call target `nope` is not defined or imported"]);
    assert.deepEqual(errors("pipeline p(t) { nope() }", { importedNames: null }), []);
    assert.deepEqual(errors("pipeline p(t) { nope() }", { importedNames: new Set(["nope"]) }), []);
    assert.deepEqual(errors("pipeline p(t) { host_thing() }", { knownNames: new Set(["host_thing"]) }), []);
  });

  test("builtins are known even before the run time registers them", () => {
    assert.deepEqual(
      errors('pipeline p(t) { let d = json_parse("{}")\n log(d) }', { knownNames: new Set() }),
      [],
    );
  });

  test("gradual typing: unknown values never produce errors", () => {
    const source = `
fn id(x) { return x }
pipeline p(t) {
  let a: int = id("s")
  let b: string = t.name
  let c = a ?? "fallback"
  let d: list<int> = [id(1), 2]
  log(t.name + 1)
  log(b, c, d)
}`;
    assert.deepEqual(errors(source), []);
  });

  test("match on an enum must cover every variant", () => {
    const source = `
enum E { A, B }
pipeline p(t) {
  let e = E.A
  match e.variant {
    "A" -> { log(1) }
  }
}`;
    const found = errors(source);
    assert.deepEqual(found, ['Non-exhaustive match on enum E: missing variants "B"']);
  });

  test("statements after an exit are not checked, only warned about", () => {
    const { program } = parse('fn f() {\n  return 1\n  let x: int = "s"\n}');
    const found = checkProgram(program, { knownNames: new Set() });
    assert.deepEqual(
      found.map((d) => [d.severity, d.code]),
      [["warning", Code.UnreachableCode]],
    );
  });
});
