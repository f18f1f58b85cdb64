// Unit tests for the parser: AST shape snapshots (spans stripped), the
// operator precedence table (spec: "Operator precedence table"), the
// multi-line continuation rules (spec: "Multiline expressions"),
// statement separators, and the exact texts and positions of syntax errors
// (`Expected <x>, got <y> at L:C` / `Unexpected end of file, expected <x>`).

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Harn's `${...}` interpolation appears in test sources.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Node } from "./ast.ts";
import { parse } from "./parser.ts";

/** Parses `source`, which must be free of errors, and returns its items. */
function program(source: string): Node[] {
  const result = parse(source);
  assert.deepEqual(
    result.diagnostics.map((d) => d.message),
    [],
    `unexpected diagnostics for ${JSON.stringify(source)}`,
  );
  return result.program;
}

/** The single item of `source`. */
function only(source: string): Node {
  const items = program(source);
  assert.equal(items.length, 1, `expected one item in ${JSON.stringify(source)}`);
  return items[0]!;
}

/** JSON of the AST without spans (bigints as strings), for shape snapshots. */
function shape(node: unknown): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value) =>
      key === "span" ? undefined : typeof value === "bigint" ? String(value) : value,
    ),
  );
}

/** A compact prefix rendering of expressions: `(+ a (* b c))`. */
function sexpr(n: Node): string {
  switch (n.kind) {
    case "Ident":
      return n.name;
    case "Int":
      return String(n.value);
    case "Float":
      return String(n.value);
    case "Str":
      return JSON.stringify(n.value);
    case "Bool":
      return String(n.value);
    case "Nil":
      return "nil";
    case "Binary":
      return `(${n.op} ${sexpr(n.left)} ${sexpr(n.right)})`;
    case "Unary":
      return `(${n.op} ${sexpr(n.operand)})`;
    case "Ternary":
      return `(?: ${sexpr(n.cond)} ${sexpr(n.then)} ${sexpr(n.else)})`;
    case "Range":
      return `(${n.inclusive ? "to" : "to-excl"} ${sexpr(n.start)} ${sexpr(n.end)})`;
    case "Property":
      return `${sexpr(n.object)}${n.optional ? "?." : "."}${n.name}`;
    case "MethodCall":
      return `${sexpr(n.object)}${n.optional ? "?." : "."}${n.method}(${n.args.map(sexpr).join(" ")})`;
    case "Call":
      return `${n.name}(${n.args.map(sexpr).join(" ")})`;
    case "Subscript":
      return `${sexpr(n.object)}${n.optional ? "?[" : "["}${sexpr(n.index)}]`;
    case "TryOp":
      return `${sexpr(n.operand)}?`;
    case "List":
      return `[${n.elements.map(sexpr).join(" ")}]`;
    default:
      return `<${n.kind}>`;
  }
}

/** The prefix rendering of a one-expression program. */
function expr(source: string): string {
  return sexpr(only(source));
}

function errors(source: string): string[] {
  return parse(source).diagnostics.map((d) => d.message);
}

describe("AST shapes", () => {
  test("let with a dict pattern: rename, default and rest", () => {
    assert.deepEqual(shape(only("let {a: b = 1, c, ...rest} = d")), {
      kind: "Let",
      pattern: {
        kind: "Dict",
        fields: [
          { key: "a", alias: "b", rest: false, defaultValue: { kind: "Int", value: 1 } },
          { key: "c", rest: false },
          { key: "rest", rest: true },
        ],
      },
      value: { kind: "Ident", name: "d" },
    });
  });

  test("else-if chains nest an If in the else branch", () => {
    assert.deepEqual(shape(only("if x { 1 } else if y { 2 } else { 3 }")), {
      kind: "If",
      cond: { kind: "Ident", name: "x" },
      // biome-ignore lint/suspicious/noThenProperty: the If node's field is named `then`.
      then: [{ kind: "Int", value: 1 }],
      else: [
        {
          kind: "If",
          cond: { kind: "Ident", name: "y" },
          // biome-ignore lint/suspicious/noThenProperty: the If node's field is named `then`.
          then: [{ kind: "Int", value: 2 }],
          else: [{ kind: "Int", value: 3 }],
        },
      ],
    });
  });

  test("match arms with an or-pattern and a guard", () => {
    const m = only("match v {\n  1 | 2 if ok -> { a }\n  _ -> { b }\n}");
    assert.equal(m.kind, "Match");
    assert.deepEqual(shape(m.kind === "Match" ? m.arms : []), [
      {
        pattern: {
          kind: "OrPattern",
          alternatives: [
            { kind: "Int", value: 1 },
            { kind: "Int", value: 2 },
          ],
        },
        guard: { kind: "Ident", name: "ok" },
        body: [{ kind: "Ident", name: "a" }],
      },
      { pattern: { kind: "Ident", name: "_" }, body: [{ kind: "Ident", name: "b" }] },
    ]);
  });

  test("closures with defaults; dict literals with every key form", () => {
    assert.deepEqual(shape(only("{ x, y = 2 -> x }")), {
      kind: "Closure",
      params: [
        { name: "x", rest: false },
        { name: "y", rest: false, defaultValue: { kind: "Int", value: 2 } },
      ],
      body: [{ kind: "Ident", name: "x" }],
      fnSyntax: false,
    });
    const dict = only('{a: 1, "b c": 2, [k]: 3, ...o}');
    assert.equal(dict.kind, "Dict");
    assert.deepEqual(
      dict.kind === "Dict" ? dict.entries.map((e) => (e.key === null ? "..." : sexpr(e.key))) : [],
      ['"a"', '"b c"', "k", "..."],
    );
    assert.deepEqual(shape(only("{}")), { kind: "Dict", entries: [] });
    assert.equal(only("{ -> 1 }").kind, "Closure");
  });

  test("try/catch/finally and the bare try expression", () => {
    assert.deepEqual(shape(only("try { a } catch (e) { b } finally { c }")), {
      kind: "TryCatch",
      body: [{ kind: "Ident", name: "a" }],
      errorVar: "e",
      hasCatch: true,
      catchBody: [{ kind: "Ident", name: "b" }],
      finallyBody: [{ kind: "Ident", name: "c" }],
    });
    const bare = only("let r = try { 1 }");
    assert.equal(bare.kind === "Let" ? bare.value.kind : "", "TryExpr");
  });

  test("fn declarations with defaults, rest and a return type; attributes wrap declarations", () => {
    const fn = only("@attr(k: 1, 2)\nfn f(a, b = 1, ...c) -> int { return a }");
    assert.equal(fn.kind, "AttributedDecl");
    if (fn.kind !== "AttributedDecl") return;
    assert.deepEqual(shape(fn.attributes), [
      {
        name: "attr",
        args: [{ name: "k", value: { kind: "Int", value: 1 } }, { value: { kind: "Int", value: 2 } }],
      },
    ]);
    assert.deepEqual(shape(fn.inner.kind === "FnDecl" ? fn.inner.params : []), [
      { name: "a", rest: false },
      { name: "b", rest: false, defaultValue: { kind: "Int", value: 1 } },
      { name: "c", rest: true },
    ]);
  });

  test("pipelines with extends", () => {
    assert.deepEqual(shape(only("pipeline child(task) extends base { x }")), {
      kind: "Pipeline",
      name: "child",
      params: ["task"],
      body: [{ kind: "Ident", name: "x" }],
      isPub: false,
      extends: "base",
    });
  });

  test("interpolated strings parse their expressions", () => {
    const s = only('"a${b + 1}c"');
    assert.equal(s.kind, "Interp");
    assert.deepEqual(
      s.kind === "Interp" ? s.parts.map((p) => (p.kind === "lit" ? p.text : sexpr(p.expr))) : [],
      ["a", "(+ b 1)", "c"],
    );
  });
});

describe("precedence and associativity", () => {
  const table: [string, string][] = [
    ["a + b * c", "(+ a (* b c))"],
    ["1 - 2 - 3", "(- (- 1 2) 3)"],
    ["2 ** 3 ** 2", "(** 2 (** 3 2))"],
    ["-2 ** 2", "(** (- 2) 2)"],
    ["2 * 3 ** 2", "(* 2 (** 3 2))"],
    ["xs?.count ?? 0 > 0", "(> (?? xs?.count 0) 0)"],
    ["a + b ?? c", "(+ a (?? b c))"],
    ["a ?? b * c", "(?? a (* b c))"],
    ["a || b && c", "(|| a (&& b c))"],
    ["a == b < c", "(== a (< b c))"],
    ["!a && b", "(&& (! a) b)"],
    ["a in b + c", "(in a (+ b c))"],
    ["a not in b", "(not_in a b)"],
    ["a |> b ?? c", "(|> a (?? b c))"],
    ["x |> f |> g", "(|> (|> x f) g)"],
    ["a || b ? c : d", "(?: (|| a b) c d)"],
    ["1 + 2 to 5", "(to (+ 1 2) 5)"],
    ["0 to n exclusive", "(to-excl 0 n)"],
    ["a.b(c)[d]?.e", "a.b(c)[d]?.e"],
    ["r?", "r?"],
    ["r?[0]", "r?[0]"],
    ["f(x)? + 1", "(+ f(x)? 1)"],
    ["a ? -1 : 1", "(?: a (- 1) 1)"],
  ];
  for (const [source, expected] of table) {
    test(source, () => assert.equal(expr(source), expected));
  }
});

describe("multi-line continuation", () => {
  test("a leading binary operator or member access continues the expression", () => {
    for (const op of ["+", "*", "/", "%", "**", "??", "==", "!=", "<", ">=", "&&", "||", "|>"]) {
      const items = program(`let v = a\n  ${op} b`);
      assert.equal(items.length, 1, `operator ${op} should continue the line`);
    }
    assert.equal(expr("a\n  .b()\n  ?.c"), "a.b()?.c");
  });

  test("a leading `-` starts a new statement", () => {
    assert.deepEqual(program("a\n- b").map(sexpr), ["a", "(- b)"]);
  });

  test("`in` and `to` need a backslash to continue", () => {
    assert.deepEqual(errors("let v = a\n  in b"), ["Expected expression, got in at 2:3"]);
    assert.equal(program("let v = a \\\n  in b").length, 1);
    assert.deepEqual(errors("let r = 1 to\n 3"), ["Expected expression, got \\n at 1:13"]);
  });

  test("newlines inside brackets and argument lists are free", () => {
    assert.equal(expr("f(a,\n  b,\n)"), "f(a b)");
    assert.equal(expr("[1,\n 2,\n]"), "[1 2]");
  });
});

describe("statement separators", () => {
  test("`;` separates statements on one line", () => {
    assert.deepEqual(
      program("x = 1; y += 2").map((n) => n.kind),
      ["Assign", "Assign"],
    );
  });

  test("two statements on one line need a separator", () => {
    assert.deepEqual(errors("fn f() { let a = 1 let b = 2 }"), [
      "Expected statement separator (`;` or newline), got let at 1:20",
    ]);
    assert.deepEqual(errors("let x = 1 let y = 2"), [
      "Expected top-level item separator (`;` or newline), got let at 1:11",
    ]);
  });

  test("an empty statement between semicolons is an error", () => {
    assert.deepEqual(errors("pipeline p() {\n  log(1);; log(2)\n}"), ["Expected expression, got ; at 2:10"]);
  });

  test("`else` cannot follow `;`", () => {
    const found = errors("if true {\n  1\n}; else { 2 }");
    assert.equal(found.length, 1);
    assert.match(found[0]!, /got else at 3:4$/);
  });
});

describe("syntax errors", () => {
  test("unexpected token and unexpected end of file", () => {
    assert.deepEqual(errors("let x = )"), ["Expected expression, got ) at 1:9"]);
    assert.deepEqual(errors("let x ="), ["Unexpected end of file, expected expression"]);
    assert.deepEqual(errors("pipeline p(x) {\n  log(x)\n"), ["Unexpected end of file, expected }"]);
    assert.deepEqual(errors("fn f("), ["Unexpected end of file, expected )"]);
  });

  test("keywords cannot name variables", () => {
    assert.deepEqual(errors("let if = 1"), [
      "Expected variable name or destructuring pattern, got 'if' (reserved keyword) at 1:5",
    ]);
  });

  test("errors inside interpolation point into the string", () => {
    assert.deepEqual(errors('"x ${ ) }"'), ["Expected expression, got ) at 1:7"]);
  });

  test("lexer errors come back as diagnostics", () => {
    const result = parse("let x = `");
    assert.deepEqual(result.program, []);
    assert.deepEqual(
      result.diagnostics.map((d) => d.message),
      ["Unexpected character '`' at 1:9"],
    );
  });

  test("the parser recovers and reports every bad statement", () => {
    const result = parse("let x = )\nlet y = 1\nlet z = )");
    assert.deepEqual(
      result.diagnostics.map((d) => d.message),
      ["Expected expression, got ) at 1:9", "Expected expression, got ) at 3:9"],
    );
    assert.deepEqual(shape(result.program), [
      { kind: "Let", pattern: { kind: "Ident", name: "y" }, value: { kind: "Int", value: 1 } },
    ]);
  });
});

describe("spans", () => {
  test("a binary node spans from its left operand to its right operand", () => {
    const n = only("  alpha + beta");
    assert.deepEqual([n.span.start, n.span.end, n.span.line, n.span.col], [2, 14, 1, 3]);
  });

  test("multi-line statements record their end line", () => {
    const n = only("let v = [\n  1,\n  2\n]");
    assert.deepEqual([n.span.line, n.span.endLine], [1, 4]);
  });
});
