// The tagged text protocol and the TypeScript-literal argument reader.

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTaggedReply } from "./text-protocol.ts";
import { TsLiteralReader } from "./ts-literal.ts";
import { sanitizeVisibleText } from "./visible-text.ts";

let n = 0;
const ids = (name: string): string => `id${++n}_${name}`;

test("tagged blocks split into prose, calls and the done marker", () => {
  const reply = parseTaggedReply(
    '<assistant_prose>Looking.</assistant_prose>\n<tool_call>\nread({ path: "a.txt", lines: [1, 2] })\n</tool_call>\n<done>##DONE##</done>',
    new Set(["read"]),
    ids,
  );
  assert.equal(reply.prose, "Looking.");
  assert.equal(reply.doneMarker, "##DONE##");
  assert.deepEqual(
    reply.calls.map((c) => [c.name, c.arguments]),
    [["read", { path: "a.txt", lines: [1, 2] }]],
  );
  assert.deepEqual(reply.violations, []);
});

test("user_response wins over assistant_prose", () => {
  const reply = parseTaggedReply(
    "<assistant_prose>thinking</assistant_prose><user_response>final</user_response>",
    new Set(),
    ids,
  );
  assert.equal(reply.prose, "final");
  assert.equal(reply.userResponse, "final");
});

test("untagged calls to known tools still run, as violations", () => {
  const reply = parseTaggedReply('read({ path: "x" })', new Set(["read"]), ids);
  assert.equal(reply.calls.length, 1);
  assert.equal(reply.violations.length, 1);
  const prose = parseTaggedReply("just words", new Set(["read"]), ids);
  assert.equal(prose.calls.length, 0);
  assert.equal(prose.prose, "");
});

test("malformed calls are reported, not run", () => {
  const reply = parseTaggedReply("<tool_call>read({ path: })</tool_call>", new Set(["read"]), ids);
  assert.equal(reply.calls.length, 0);
  assert.equal(reply.errors.length, 1);
});

test("literal reader: quotes, heredocs, trailing commas", () => {
  const src = "({ a: 'x', \"b\": `y`, c: <<EOF\nline 1\nline 2\nEOF\n, d: [true, null, -1.5,], })";
  assert.deepEqual(new TsLiteralReader(src).callArguments(), {
    a: "x",
    b: "y",
    c: "line 1\nline 2",
    d: [true, null, -1.5],
  });
  assert.deepEqual(new TsLiteralReader("()").callArguments(), {});
});

test("visible text drops runtime blocks and bare sentinel lines", () => {
  assert.equal(
    sanitizeVisibleText(
      "<assistant_prose>Hi</assistant_prose>\n<tool_call>x()</tool_call>\n<done>##DONE##</done>",
    ),
    "Hi",
  );
  assert.equal(sanitizeVisibleText("done now ##DONE##"), "done now ##DONE##");
  assert.equal(sanitizeVisibleText("answer\n##DONE##"), "answer");
});
