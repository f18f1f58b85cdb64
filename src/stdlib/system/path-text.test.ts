// String-level path helpers: POSIX output on any input, drive letters,
// PathBuf-style joining and workspace classification.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classifyWorkspacePath,
  isAbsolutePath,
  joinPath,
  normalizePath,
  pathExtension,
  pathParent,
  pathRelativeTo,
  pathStem,
  pathWithExtension,
  pathWithStem,
} from "./path-text.ts";

test("normalize collapses dots, duplicate and trailing slashes", () => {
  assert.equal(normalizePath("a/b/../c"), "a/c");
  assert.equal(normalizePath("../a"), "../a");
  assert.equal(normalizePath("a/../../b"), "../b");
  assert.equal(normalizePath("/../a//b/"), "/a/b");
  assert.equal(normalizePath("a/.."), ".");
  assert.equal(normalizePath("C:\\x\\..\\y"), "C:/y");
  assert.equal(normalizePath(""), "");
});

test("parent, stem and extension", () => {
  assert.equal(pathParent("a"), "");
  assert.equal(pathParent("/a"), "/");
  assert.equal(pathParent("/"), "/");
  assert.equal(pathStem(".gitignore"), ".gitignore");
  assert.equal(pathExtension(".gitignore"), "");
  assert.equal(pathStem("a/c.tar.gz"), "c.tar");
  assert.equal(pathWithExtension("c.rs", "py"), "c.py");
  assert.equal(pathWithExtension("/c.rs", ""), "/c");
  assert.equal(pathWithStem("/x.rs", "main"), "/main.rs");
});

test("absolute paths and relative_to", () => {
  assert.equal(isAbsolutePath("C:/a"), true);
  assert.equal(isAbsolutePath("C:a"), false);
  assert.equal(isAbsolutePath("\\a"), true);
  assert.equal(pathRelativeTo("/a/b", "/a/b"), ".");
  assert.equal(pathRelativeTo("/a", "b"), null);
  assert.equal(pathRelativeTo("C:/a", "D:/a"), null);
  assert.equal(pathRelativeTo("a/x", "a/b/c"), "../../x");
});

test("joining works like PathBuf::push", () => {
  assert.equal(joinPath("a", "b"), "a/b");
  assert.equal(joinPath("a/", "b"), "a/b");
  assert.equal(joinPath("a", "/b"), "/b");
  assert.equal(joinPath("", "b"), "b");
  assert.equal(joinPath("a", ""), "a/");
});

test("workspace classification", () => {
  const present = new Set(["/ws/pkg", "/ws/pkg/f.txt"]);
  const exists = (p: string): boolean => present.has(p);
  const rel = classifyWorkspacePath("pkg/./f.txt", "/ws", exists);
  assert.equal(rel.kind, "workspace_relative");
  assert.equal(rel.workspacePath, "pkg/f.txt");
  assert.equal(rel.hostPath, "/ws/pkg/f.txt");
  const drift = classifyWorkspacePath("/pkg/f.txt", "/ws", exists);
  assert.equal(drift.kind, "workspace_relative");
  assert.equal(drift.recoveredRootDrift, true);
  const inside = classifyWorkspacePath("/ws/pkg", "/ws/", exists);
  assert.equal(inside.kind, "host_absolute");
  assert.equal(inside.workspacePath, "pkg");
  const outside = classifyWorkspacePath("/elsewhere/x", "/ws", exists);
  assert.equal(outside.kind, "host_absolute");
  assert.equal(outside.workspacePath, null);
  const escaping = classifyWorkspacePath("../x", "/ws", exists);
  assert.equal(escaping.kind, "invalid");
  assert.equal(escaping.reason, "workspace-relative path escapes the workspace root");
  assert.equal(classifyWorkspacePath("  ", "/ws", exists).reason, "path is empty");
});
