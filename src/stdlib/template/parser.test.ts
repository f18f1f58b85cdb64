// Unit tests of the template lexer and parser: token boundaries, comments,
// raw blocks, trim markers, block structure and the wording of syntax errors.

import assert from "node:assert/strict";
import { test } from "node:test";
import { HFloat } from "../../vm/values.ts";
import { parseTemplateExpr } from "./expr-parser.ts";
import { lineCol, tokenizeTemplate } from "./lexer.ts";
import { parseTemplate } from "./parser.ts";
import { TemplateError } from "./template-error.ts";

function syntaxError(src: string): string {
  try {
    parseTemplate(src);
  } catch (e) {
    assert.ok(e instanceof TemplateError);
    return e.describe();
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(src)}`);
}

test("text, directives and trim flags", () => {
  assert.deepEqual(tokenizeTemplate("a {{ x }} b{{- y -}}c"), [
    { kind: "text", text: "a ", trimEnd: false, trimStart: false },
    { kind: "directive", body: "x", line: 1, col: 3 },
    { kind: "text", text: " b", trimEnd: true, trimStart: false },
    { kind: "directive", body: "y", line: 1, col: 12 },
    { kind: "text", text: "c", trimEnd: false, trimStart: true },
  ]);
});

test("comments vanish and raw blocks are verbatim", () => {
  assert.deepEqual(tokenizeTemplate("a{{# note #}}b"), [
    { kind: "text", text: "a", trimEnd: false, trimStart: false },
    { kind: "text", text: "b", trimEnd: false, trimStart: false },
  ]);
  assert.deepEqual(tokenizeTemplate("{{ raw }}{{ x }} {{if}}{{- endraw }}!")[0], {
    kind: "raw",
    text: "{{ x }} {{if}}",
  });
  // `rawish` is an ordinary name, not the raw keyword.
  assert.equal(tokenizeTemplate("{{ rawish }}")[0]?.kind, "directive");
});

test("a `}}` inside a quoted string does not close the directive", () => {
  const [tok] = tokenizeTemplate('{{ x | default: "}}" }}');
  assert.deepEqual(tok, { kind: "directive", body: 'x | default: "}}"', line: 1, col: 1 });
});

test("positions count lines and code points", () => {
  assert.deepEqual(lineCol("ab\n🎉x{{", 6), [2, 3]);
  assert.equal(syntaxError("line\n  {{ x"), "at 2:3: unterminated directive");
  assert.equal(syntaxError("{{# never closed"), "at 1:1: unterminated comment");
  assert.equal(syntaxError("x {{ raw }} y"), "at 1:3: unterminated `{{ raw }}` block");
});

test("blocks nest and close with end", () => {
  const nodes = parseTemplate(
    "{{ if a }}A{{ elif b }}B{{ else }}C{{ end }}{{ for k, v in m }}{{ v }}{{ else }}-{{ end }}",
  );
  assert.equal(nodes.length, 2);
  const [ifNode, forNode] = nodes;
  assert.ok(ifNode?.kind === "if" && ifNode.branches.length === 2 && ifNode.otherwise?.length === 1);
  assert.ok(forNode?.kind === "for" && forNode.keyVar === "k" && forNode.valueVar === "v");
  assert.equal(forNode.empty?.length, 1);
});

test("bare identifiers are kept apart from expressions", () => {
  assert.deepEqual(parseTemplate("{{ name }}"), [{ kind: "bare", name: "name" }]);
  assert.equal(parseTemplate("{{ user.name }}")[0]?.kind, "expr");
  assert.equal(parseTemplate("{{ name | upper }}")[0]?.kind, "expr");
});

test("includes take a path and optional bindings", () => {
  const [node] = parseTemplate('{{ include "p.prompt" with { a: x, b: "y, z" } }}');
  assert.ok(node?.kind === "include");
  assert.deepEqual(
    node.with?.map(([k]) => k),
    ["a", "b"],
  );
  assert.equal(syntaxError('{{ include "p" with x }}'), "at 1:1: expected `{ ... }` after `with`");
  assert.equal(syntaxError('{{ include "p" with { 1: x } }}'), "at 1:1: invalid include binding key");
});

test("block errors name the directive", () => {
  assert.equal(syntaxError("{{ end }}"), "at 1:1: unexpected `{{ end }}`");
  assert.equal(syntaxError("x{{ else }}"), "at 1:2: unexpected `{{ else }}`");
  assert.equal(syntaxError("{{ elif x }}"), "at 1:1: unexpected `{{ elif }}`");
  assert.equal(syntaxError("{{ if x }}open"), "at 1:1: `{{ if }}` missing matching `{{ end }}`");
  assert.equal(syntaxError("{{ for x in xs }}"), "at 1:1: `{{ for }}` missing matching `{{ end }}`");
  assert.equal(syntaxError("{{ if x }}{{ else }}y"), "at 1:11: `{{ else }}` missing matching `{{ end }}`");
  assert.equal(syntaxError("{{ for x xs }}{{ end }}"), "at 1:1: expected `in` in for-loop");
  assert.equal(syntaxError("{{ for 1 in xs }}{{ end }}"), "at 1:1: invalid for-loop variable");
  assert.equal(syntaxError("{{ for a, 2 in xs }}{{ end }}"), "at 1:1: invalid for-loop variables");
});

test("expressions: precedence, literals and paths", () => {
  const e = parseTemplateExpr('not a == 1 and b or c | default: "x"', 1, 1);
  assert.equal(e.kind, "filter");
  assert.ok(e.kind === "filter" && e.input.kind === "or" && e.input.left.kind === "and");
  const lit = parseTemplateExpr("-1.5", 1, 1);
  assert.ok(lit.kind === "literal" && lit.value instanceof HFloat && lit.value.v === -1.5);
  assert.deepEqual(parseTemplateExpr("9223372036854775807", 1, 1), {
    kind: "literal",
    value: 9223372036854775807n,
  });
  assert.deepEqual(parseTemplateExpr('a.b[0]["k-1"][-1]', 1, 1), {
    kind: "path",
    head: "a",
    segments: [
      { kind: "field", name: "b" },
      { kind: "index", index: 0 },
      { kind: "key", key: "k-1" },
      { kind: "index", index: -1 },
    ],
  });
  assert.deepEqual(parseTemplateExpr("'it\\'s\\n'", 1, 1), { kind: "literal", value: "it's\n" });
});

test("expression errors", () => {
  const err = (src: string): string => {
    try {
      parseTemplateExpr(src, 3, 4);
    } catch (e) {
      assert.ok(e instanceof TemplateError);
      return e.describe();
    }
    assert.fail(`expected an error for ${src}`);
  };
  assert.equal(err("a = b"), "at 3:4: unexpected `=` (use `==`)");
  assert.equal(err("a & b"), "at 3:4: unexpected `&`");
  assert.equal(err('"open'), "at 3:4: unterminated string literal");
  assert.equal(err("a | 1"), "at 3:4: expected filter name after `|`");
  assert.equal(err("a b"), "at 3:4: unexpected token `b` in expression");
  assert.equal(err("(a"), "at 3:4: expected `)`");
  assert.equal(err("a[b]"), "at 3:4: expected integer or string inside `[...]`");
  assert.equal(err("a."), "at 3:4: expected identifier after `.`");
  assert.equal(err(""), "at 3:4: expected expression");
  assert.equal(err("a @ b"), "at 3:4: unexpected character `@` in expression");
  assert.equal(err("99999999999999999999"), "at 3:4: invalid integer `99999999999999999999`");
});
