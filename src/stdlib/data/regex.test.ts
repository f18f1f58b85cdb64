// Rust-regex behaviour on re2js: the syntax shim, Unicode classes, the x
// flag, Rust's empty-match iteration and split, replacement expansion, and
// the errors for syntax that cannot keep its Rust meaning.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { VmError } from "../../vm/errors.ts";
import { compileRegex, regexMatches, regexReplace, regexSplit } from "./regex.ts";
import { translatePattern } from "./regex-shim.ts";

function findAll(pattern: string, text: string, flags = ""): string[] {
  const compiled = compileRegex(pattern, flags);
  return [...regexMatches(compiled, text)].map((m) => text.slice(...m.spans[0]!));
}

function compileError(pattern: string, flags = ""): string {
  try {
    compileRegex(pattern, flags);
  } catch (e) {
    return String((e as VmError).thrown);
  }
  assert.fail(`expected /${pattern}/ to be rejected`);
}

test("perl classes are Unicode-aware like Rust's", () => {
  assert.deepEqual(findAll("\\w+", "café résumé"), ["café", "résumé"]);
  assert.deepEqual(findAll("\\d+", "x٣٤y12"), ["٣٤", "12"]);
  assert.deepEqual(findAll("[\\w-]+", "naïve-ok!"), ["naïve-ok"]);
  assert.deepEqual(findAll("\\S+", "a\u00a0b c"), ["a", "b", "c"]);
  assert.deepEqual(findAll("\\p{Greek}+", "abc αβγ"), ["αβγ"]);
  assert.deepEqual(findAll("\\p{Letter}+|\\p{sc=Greek}", "ab1"), ["ab"]);
});

test("empty matches follow Rust's iteration rule", () => {
  assert.deepEqual(findAll("a*", "baaab"), ["", "aaa", ""]);
  assert.deepEqual(findAll("", "abc"), ["", "", "", ""]);
  assert.deepEqual(findAll("", "😀x"), ["", "", ""]);
  assert.deepEqual(regexSplit(compileRegex(""), "abc"), ["", "a", "b", "c", ""]);
  assert.deepEqual(regexSplit(compileRegex(","), ",a,,b,"), ["", "a", "", "b", ""]);
  assert.deepEqual(regexSplit(compileRegex("(,)"), "a,b"), ["a", "b"]);
});

test("flags and inline flags", () => {
  assert.deepEqual(findAll("^b", "a\nB", "im"), ["B"]);
  assert.deepEqual(findAll("a.c", "a\nc", "s"), ["a\nc"]);
  assert.deepEqual(findAll("a b # comment\n c", "abc", "x"), ["abc"]);
  assert.deepEqual(findAll("(?x) a \\  b", "a b"), ["a b"]);
  assert.deepEqual(findAll("(?x: a b )c d", "abc d"), ["abc d"]);
  assert.deepEqual(findAll("(?i)hello", "HeLLo"), ["HeLLo"]);
  assert.deepEqual(findAll("\\Aab\\z", "ab"), ["ab"]);
  assert.equal(compileError("a", "q"), "Invalid regex: unsupported regex flag 'q', expected one of i/m/s/x");
});

test("escapes and classes are rewritten for RE2", () => {
  assert.equal(translatePattern("\\u{1F600}\\u00e9", false), "\\x{1F600}\\x{00e9}");
  assert.equal(translatePattern("[a[bc]]", false), "[abc]");
  assert.equal(translatePattern("[]a]", false), "[\\]a]");
  assert.equal(translatePattern("[[:alpha:]]", false), "[[:alpha:]]");
  assert.deepEqual(findAll("(?P<y>\\d{4})-(?<m>\\d\\d)", "on 2024-05"), ["2024-05"]);
});

test("syntax without a faithful RE2 meaning is rejected clearly", () => {
  assert.match(compileError("[a-z&&[^aeiou]]"), /set operation '&&' is not supported/);
  assert.match(compileError("[a[^b]]"), /negated nested character classes/);
  assert.match(compileError("\\<word\\>"), /word-boundary assertion/);
  assert.match(compileError("\\b{start}x"), /special word boundaries/);
  assert.match(compileError("(?-u:\\w)"), /\(\?-u\)/);
  assert.match(compileError("(a)\\1"), /backreferences are not supported/);
  assert.match(compileError("a(?=b)"), /^Invalid regex: /);
  assert.match(compileError("[unclosed"), /^Invalid regex: unclosed character class/);
});

test("replacement expansion follows Captures::expand", () => {
  const swap = compileRegex("(?P<first>\\w+)\\s(?P<last>\\w+)");
  assert.equal(regexReplace(swap, "$last, $first", "ada lovelace"), "lovelace, ada");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${2}` is Rust replacement syntax.
  assert.equal(regexReplace(swap, "${2}_$1", "ada lovelace"), "lovelace_ada");
  assert.equal(regexReplace(swap, "$1a|$$|$", "ada lovelace"), "|$|$");
  assert.equal(regexReplace(compileRegex("x"), "[$0]", "axbx"), "a[x]b[x]");
  assert.equal(regexReplace(compileRegex("a*"), "-", "baaac"), "-b-c-");
});
