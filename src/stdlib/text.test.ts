// Unit tests of the Rust-flavoured string helpers and the structural hash key.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Dict, HFloat, HSet } from "../vm/values.ts";
import { hashKey } from "./args.ts";
import { basename, dirname, extname, format } from "./strings.ts";
import { indexOf, lastIndexOf, lines, split, splitCamel, titleCase, trim, wordsToCamel } from "./text.ts";

test("split on an empty separator yields empty ends like Rust", () => {
  assert.deepEqual(split("abc", ""), ["", "a", "b", "c", ""]);
  assert.deepEqual(split("a,b,,c", ","), ["a", "b", "", "c"]);
  assert.deepEqual(split("🎉x", ""), ["", "🎉", "x", ""]);
});

test("lines drops one trailing newline and carriage returns", () => {
  assert.deepEqual(lines("a\r\nb\n"), ["a", "b"]);
  assert.deepEqual(lines("a\n\n"), ["a", ""]);
  assert.deepEqual(lines(""), []);
});

test("trim uses Unicode White_Space, not the BOM", () => {
  assert.equal(trim("\u00a0 x \n"), "x");
  assert.equal(trim("\ufeffx"), "\ufeffx");
});

test("positions count code points", () => {
  assert.equal(indexOf("🎉ab", "b"), 2);
  assert.equal(lastIndexOf("abab", "ab"), 2);
  assert.equal(indexOf("abc", "z"), -1);
});

test("camel case splitting handles acronyms and digits", () => {
  assert.deepEqual(splitCamel("HTTPServer"), ["http", "server"]);
  assert.deepEqual(splitCamel("testFilePatterns"), ["test", "file", "patterns"]);
  assert.deepEqual(splitCamel("v2Api"), ["v2", "api"]);
  assert.equal(wordsToCamel(["hello", "WORLD"]), "helloWorld");
  assert.equal(titleCase("hELLO wORLD"), "Hello World");
});

test("path helpers follow Rust's Path on Unix", () => {
  assert.equal(dirname("/usr/local/bin/harn"), "/usr/local/bin");
  assert.equal(dirname("harn"), "");
  assert.equal(dirname("/a"), "/");
  assert.equal(basename("/usr/local/"), "local");
  assert.equal(extname("archive.tar.gz"), ".gz");
  assert.equal(extname(".bashrc"), "");
  assert.equal(extname("noext"), "");
});

test("format fills positional and named placeholders", () => {
  assert.equal(format(["{} + {} = {}", 1, 2]), "1 + 2 = {}");
  assert.equal(format(["hi {name}, {missing}", Dict.of({ name: "Ada" })]), "hi Ada, {missing}");
});

test("hash keys separate types and ignore set order", () => {
  assert.notEqual(hashKey(1), hashKey("1"));
  assert.notEqual(hashKey(1), hashKey(new HFloat(1)));
  assert.notEqual(hashKey(["a,b"]), hashKey(["a", "b"]));
  assert.equal(hashKey(new HSet([1, 2])), hashKey(new HSet([2, 1])));
  assert.equal(hashKey(Dict.of({ a: 1, b: [2] })), hashKey(Dict.of({ b: [2], a: 1 })));
});
