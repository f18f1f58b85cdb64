// JSON parsing and writing (int/float distinction, full i64, serde-style
// errors, Rust float text), json_extract, pointers and jq.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { NULL_HOST } from "../host-api.ts";
import { display } from "../../vm/display.ts";
import { HFloat } from "../../vm/values.ts";
import { registerDataStdlib } from "./index.ts";
import { evalJq } from "./jq.ts";
import { JsonSyntaxError, parseJson } from "./json-codec.ts";
import { stringifyJson } from "./json-writer.ts";

/** Runs a Harn snippet with the data builtins; returns its output lines (plus `error: ...`). */
async function run(source: string): Promise<string[]> {
  const compiled = compileSource(source, "snippet.harn");
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("; "));
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s) });
  registerDataStdlib(vm, NULL_HOST);
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}\n`);
  return out.join("").trimEnd().split("\n");
}

function parseError(text: string): string {
  try {
    parseJson(text);
  } catch (e) {
    assert.ok(e instanceof JsonSyntaxError);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

test("numbers keep int and float apart across the full i64 range", () => {
  assert.equal(parseJson("42"), 42);
  assert.ok(parseJson("1.0") instanceof HFloat);
  assert.equal(parseJson("9223372036854775807"), 9223372036854775807n);
  assert.equal(parseJson("-9223372036854775808"), -9223372036854775808n);
  const beyond = parseJson("9223372036854775808");
  assert.ok(beyond instanceof HFloat && beyond.v === 2 ** 63);
  const negZero = parseJson("-0");
  assert.ok(negZero instanceof HFloat && Object.is(negZero.v, -0));
  assert.equal(display(parseJson("1e2")), "100.0");
});

test("strings decode escapes including surrogate pairs", () => {
  assert.equal(parseJson('"a\\n\\u00e9\\ud83d\\ude00\\/"'), "a\né😀/");
  assert.equal(display(parseJson('{"b": [1, {"c": null}], "a": true}')), "{a: true, b: [1, {c: nil}]}");
});

test("syntax errors read like serde_json's", () => {
  assert.equal(parseError(""), "EOF while parsing a value at line 1 column 0");
  assert.equal(parseError("not json"), "expected ident at line 1 column 2");
  assert.equal(parseError("[1, 2,]"), "trailing comma at line 1 column 7");
  assert.equal(parseError('{"a" 1}'), "expected `:` at line 1 column 6");
  assert.equal(parseError("{1: 2}"), "key must be a string at line 1 column 2");
  assert.equal(parseError("1 2"), "trailing characters at line 1 column 3");
  assert.equal(parseError("01"), "invalid number at line 1 column 2");
  assert.equal(parseError("[1\n x]"), "expected `,` or `]` at line 2 column 2");
  assert.equal(parseError('"abc'), "EOF while parsing a string at line 1 column 4");
  assert.equal(parseError("1e999"), "number out of range at line 1 column 5");
  assert.match(parseError("[".repeat(200)), /^recursion limit exceeded/);
});

test("stringify is compact, key-sorted and prints floats like Rust", async () => {
  assert.deepEqual(
    await run(`
println(json_stringify({b: 1, a: [1.0, 2.5, -0.0, nil, true], c: "q\\"" + json_parse("\\"\\\\u001b\\"") + "\\n"}))
println(json_stringify(to_float("1e21")))
println(json_stringify(bytes_from_hex("00ff")))
println(json_stringify(1 to 3))
println(json_stringify({f: { x -> x }}))
println(json_stringify(json_parse("[9223372036854775807, 0.1]")))
`),
    [
      '{"a":[1,2.5,-0,null,true],"b":1,"c":"q\\"\\u001b\\n"}',
      "1000000000000000000000",
      '{"$bytes_b64":"AP8="}',
      '"1 to 3"',
      '{"f":null}',
      "[9223372036854775807,0.1]",
    ],
  );
  assert.equal(stringifyJson("\u007f\u0085"), '"\\u007f\\u0085"');
});

test("json_parse failures are thrown strings", async () => {
  assert.deepEqual(
    await run(`
try { json_parse("{") } catch (e) { println(e) }
json_parse("[1,")
`),
    [
      "JSON parse error: EOF while parsing an object at line 1 column 1",
      "error: Thrown: JSON parse error: EOF while parsing a value at line 1 column 3",
    ],
  );
});

test("json_extract finds fenced, balanced or bare JSON", async () => {
  assert.deepEqual(
    await run(`
println(json_extract("text \`\`\`json\\n{\\"a\\": 1}\\n\`\`\` more"))
println(json_extract("x {\\"s\\": \\"}{\\"} y {\\"t\\": 2}"))
println(json_extract("[1, [2]] tail"))
println(json_extract("{\\"k\\": 5}", "k"))
try { json_extract("{\\"k\\": 5}", "z") } catch (e) { println(e) }
try { json_extract("[1]", "z") } catch (e) { println(e) }
`),
    [
      "{a: 1}",
      "{s: }{}",
      "[1, [2]]",
      "5",
      "json_extract: key 'z' not found",
      "json_extract: parsed value is not a dict, cannot extract key",
    ],
  );
});

test("JSON pointers read, set and delete without mutating", async () => {
  assert.deepEqual(
    await run(`
let doc = {a: [1, 2], "x/y": {"~": 3}}
println(json_pointer(doc, "/x~1y/~0"))
println(json_pointer(doc, "/a/01"))
println(json_pointer_set(doc, "/a/-", 9))
println(json_pointer_set(doc, "/missing/deep", 9) == doc)
println(json_pointer_delete(doc, "/a/0"))
println(json_pointer_delete(doc, ""))
println(doc)
try { json_pointer(doc, "a") } catch (e) { println(e) }
try { json_pointer(doc, "/~2") } catch (e) { println(e) }
`),
    [
      "3",
      "nil",
      "{a: [1, 2, 9], x/y: {~: 3}}",
      "true",
      "{a: [2], x/y: {~: 3}}",
      "nil",
      "{a: [1, 2], x/y: {~: 3}}",
      "json_pointer: pointer must be empty or start with '/'",
      "json_pointer: invalid escape '~2' in pointer",
    ],
  );
});

test("jq evaluates paths, pipes, builtins and filters", () => {
  const data = parseJson(
    '{"xs": [{"n": 1, "ok": true}, {"n": 5, "ok": false}, {"n": 3}], "m": {"b": 2, "a": 1}}',
  );
  const q = (expr: string): string => stringifyJson(evalJq(data, expr));
  assert.equal(q(".xs[-1].n"), "[3]");
  assert.equal(q(".xs[1:] | length"), "[2]");
  assert.equal(q(".xs[] | select(.n > 2) | .n"), "[5,3]");
  assert.equal(q(".xs | map(.n)"), "[[1,5,3]]");
  assert.equal(q(".m | keys, values"), '[["a","b"],[1,2]]');
  assert.equal(q(".xs[] | select(not .ok) | .n"), "[5,3]");
  assert.equal(q('{ first: .xs[0].n, "t": (.m | type) }'), '[{"first":1,"t":"object"}]');
  assert.equal(q(".m.a == 1 or .m.a == 2, .m.b < 1.5"), "[true,false]");
  assert.equal(q('.. | select(type == "number")'), "[1,2,1,5,3]");
  assert.throws(() => evalJq(data, ".xs | frob"), /jq: unknown identifier 'frob'/);
  assert.throws(() => evalJq(data, ".xs )"), /jq: unexpected input near '\)'/);
});
