// Unit tests of the template filters and the template view of values
// (nil prints empty, blank strings are falsy, comparisons).

import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict, HFloat, HSet, RangeValue, type Value } from "../../vm/values.ts";
import { applyFilter, prettyJson } from "./filters.ts";
import { TemplateError } from "./template-error.ts";
import { templateCompare, templateText, templateTruthy } from "./values.ts";

const f = (name: string, v: Value, ...args: Value[]): Value => applyFilter(name, v, args, 1, 1);

function filterError(name: string, v: Value, ...args: Value[]): string {
  try {
    f(name, v, ...args);
  } catch (e) {
    assert.ok(e instanceof TemplateError);
    return e.reason;
  }
  assert.fail(`expected ${name} to fail`);
}

test("text filters", () => {
  assert.equal(f("upper", "straße"), "STRASSE");
  assert.equal(f("lower", "ABC"), "abc");
  assert.equal(f("trim", "  x \n"), "x");
  assert.equal(f("capitalize", "hELLO"), "Hello");
  assert.equal(f("title", "hello  wORLD\tagain"), "Hello  World\tAgain");
  assert.equal(f("upper", null), "");
  assert.equal(f("escape_md", "a_b*[c](d)"), "a\\_b\\*\\[c\\]\\(d\\)");
  assert.equal(f("replace", "a-b-c", "-", "+"), "a+b+c");
  assert.deepEqual(f("lines", "a\nb\n"), ["a", "b", ""]);
});

test("collection filters", () => {
  assert.equal(f("length", "🎉ab"), 3);
  assert.equal(f("length", [1, 2]), 2);
  assert.equal(f("length", Dict.of({ a: 1 })), 1);
  assert.equal(f("length", new RangeValue(0, 5, false)), 5);
  assert.equal(f("length", null), 0);
  assert.equal(filterError("length", true), "`length` not defined for bool");
  assert.equal(f("first", ["x", "y"]), "x");
  assert.equal(f("last", new HSet([1, 2])), 2);
  assert.equal(f("first", "🎉a"), "🎉");
  assert.equal(f("last", []), null);
  assert.equal(f("first", 3), null);
  assert.deepEqual(f("reverse", [1, 2, 3]), [3, 2, 1]);
  assert.equal(f("reverse", "ab🎉"), "🎉ba");
  assert.equal(f("join", ["a", null, 1], ", "), "a, , 1");
  assert.equal(f("join", "as-is", ","), "as-is");
  assert.equal(filterError("join", 5, ","), "`join` requires a list (got int)");
});

test("default, json and indent", () => {
  assert.equal(f("default", "", "anon"), "anon");
  assert.equal(f("default", "   ", "anon"), "anon");
  assert.equal(f("default", "x", "anon"), "x");
  assert.equal(f("json", Dict.of({ b: [1, "x"], a: null })), '{"a":null,"b":[1,"x"]}');
  assert.equal(f("json", Dict.of({ a: [1], e: [] }), true), '{\n  "a": [\n    1\n  ],\n  "e": []\n}');
  assert.equal(f("indent", "a\n\nb", 2), "a\n\n  b");
  assert.equal(f("indent", "a\nb", 1, true), " a\n b");
  assert.equal(filterError("indent", "a", "2"), "`indent` requires an integer width");
});

test("arity and unknown filters", () => {
  assert.equal(filterError("upper", "a", 1), "filter `upper` got wrong number of arguments");
  assert.equal(filterError("join", []), "filter `join` got wrong number of arguments");
  assert.equal(filterError("shout", "a"), "unknown filter `shout`");
});

test("prettyJson keeps punctuation inside strings", () => {
  assert.equal(prettyJson('{"a,b":"x:{y}","c":{}}'), '{\n  "a,b": "x:{y}",\n  "c": {}\n}');
  assert.equal(prettyJson('["q\\"[",2]'), '[\n  "q\\"[",\n  2\n]');
});

test("template truthiness and text", () => {
  assert.equal(templateTruthy(" \n"), false);
  assert.equal(templateTruthy(new HFloat(0)), false);
  assert.equal(templateTruthy(Dict.of({})), false);
  assert.equal(templateTruthy(new HSet([])), true);
  assert.equal(templateTruthy(9007199254740993n), true);
  assert.equal(templateText(null), "");
  assert.equal(templateText(new HFloat(2)), "2.0");
});

test("comparisons order numbers and strings only", () => {
  assert.equal(templateCompare("<", 1, new HFloat(1.5)), true);
  assert.equal(templateCompare(">=", "b", "a"), true);
  assert.equal(templateCompare("<", "1", 2), false);
  assert.equal(templateCompare(">", "1", 2), false);
  assert.equal(templateCompare("==", 3, new HFloat(3)), true);
  assert.equal(templateCompare("!=", [1], [1]), false);
  assert.equal(templateCompare("<", new HFloat(Number.NaN), 1), false);
});
