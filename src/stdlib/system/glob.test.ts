// Glob translation with the reference's globset defaults, and the walk
// order walk_dir and glob rely on.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { nodeSystemHost } from "../../host/system-host.ts";
import { globMatches, globToRegExp, walkTree } from "./glob.ts";

function matches(pattern: string, candidates: string[]): string[] {
  const re = globToRegExp(pattern);
  return candidates.filter((c) => re.test(c));
}

const PATHS = ["a.txt", "b.md", "sub/c.txt", "sub/deep/d.md", "sub", "x{y}.rs"];

test("* and ? also match the separator (globset's default)", () => {
  assert.deepEqual(matches("*.txt", PATHS), ["a.txt", "sub/c.txt"]);
  assert.deepEqual(matches("su?/c.txt", PATHS), ["sub/c.txt"]);
  assert.deepEqual(matches("sub?c.txt", PATHS), ["sub/c.txt"]);
});

test("recursive wildcards", () => {
  assert.deepEqual(matches("**/*.md", PATHS), ["b.md", "sub/deep/d.md"]);
  assert.deepEqual(matches("sub/**", PATHS), ["sub/c.txt", "sub/deep/d.md"]);
  assert.deepEqual(matches("sub/**/d.md", PATHS), ["sub/deep/d.md"]);
  assert.deepEqual(matches("sub/**/c.txt", PATHS), ["sub/c.txt"]);
  assert.deepEqual(matches("**", PATHS), PATHS);
});

test("classes, alternatives and escapes", () => {
  assert.deepEqual(matches("[ab].*", PATHS), ["a.txt", "b.md"]);
  assert.deepEqual(matches("[!a]*.md", PATHS), ["b.md", "sub/deep/d.md"]);
  assert.deepEqual(matches("*.{txt,rs}", PATHS), ["a.txt", "sub/c.txt", "x{y}.rs"]);
  assert.deepEqual(matches("x\\{y\\}.rs", PATHS), ["x{y}.rs"]);
  assert.deepEqual(matches("[]]", ["]", "a"]), ["]"]);
});

test("malformed patterns give globset's messages", () => {
  assert.throws(
    () => globToRegExp("[ab"),
    /error parsing glob '\[ab': unclosed character class; missing '\]'/,
  );
  assert.throws(() => globToRegExp("{a,b"), /unclosed alternate group/);
  assert.throws(() => globToRegExp("{a,{b}}"), /nested alternate groups are not allowed/);
  assert.throws(() => globToRegExp("[z-a]"), /invalid range; 'z' > 'a'/);
});

const dir = mkdtempSync(path.join(os.tmpdir(), "harn-glob-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("walks depth first in name order and skips what it cannot read", () => {
  mkdirSync(path.join(dir, "b/inner"), { recursive: true });
  writeFileSync(path.join(dir, "a.txt"), "");
  writeFileSync(path.join(dir, "b/inner/z.txt"), "");
  writeFileSync(path.join(dir, "c.txt"), "");
  symlinkSync(path.join(dir, "b"), path.join(dir, "link"));
  const walked = walkTree(nodeSystemHost, dir).map(
    (e) => `${e.depth}:${e.rel}:${e.isDir ? "d" : e.isFile ? "f" : "l"}`,
  );
  assert.deepEqual(walked, [
    "0::d",
    "1:a.txt:f",
    "1:b:d",
    "2:b/inner:d",
    "3:b/inner/z.txt:f",
    "1:c.txt:f",
    "1:link:l",
  ]);
  const followed = walkTree(nodeSystemHost, dir, { followSymlinks: true, maxDepth: 2 }).map((e) => e.rel);
  assert.deepEqual(followed, ["", "a.txt", "b", "b/inner", "c.txt", "link", "link/inner"]);
  symlinkSync(dir, path.join(dir, "b/inner/up"));
  const looped = walkTree(nodeSystemHost, dir, { followSymlinks: true }).map((e) => e.rel);
  assert.ok(!looped.some((rel) => rel.startsWith("b/inner/up")), "a link to an ancestor is skipped");
  assert.deepEqual(walkTree(nodeSystemHost, path.join(dir, "missing")), []);
  assert.deepEqual(globMatches(nodeSystemHost, "**/*.txt", dir), [
    `${dir}/a.txt`,
    `${dir}/b/inner/z.txt`,
    `${dir}/c.txt`,
  ]);
});
