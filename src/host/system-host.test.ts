// The Node SystemHost: Rust-worded errors, atomic writes that keep file
// modes and write through symlinks, and commands whose whole process group
// dies on timeout or abort (a grandchild holding the pipes must not delay
// completion).

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { HostIoError } from "../stdlib/system/host.ts";
import { nodeSystemHost as host } from "./system-host.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "harn-system-host-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("errors read like Rust's io::Error", () => {
  assert.throws(
    () => host.readText(path.join(dir, "missing.txt")),
    (e: unknown) =>
      e instanceof HostIoError &&
      e.code === "ENOENT" &&
      e.message === "No such file or directory (os error 2)",
  );
  assert.throws(() => host.listDir(path.join(dir, "missing")), /No such file or directory \(os error 2\)/);
});

test("invalid UTF-8 is an error, a BOM is kept", () => {
  const file = path.join(dir, "bytes.bin");
  host.writeBytes(file, new Uint8Array([0xff, 0xfe, 0x41]));
  assert.throws(() => host.readText(file), /stream did not contain valid UTF-8/);
  host.writeText(file, "\ufeffhi");
  assert.equal(host.readText(file), "\ufeffhi");
});

test("atomic writes replace contents, keep the mode and write through symlinks", () => {
  const file = path.join(dir, "mode.txt");
  host.writeText(file, "one");
  chmodSync(file, 0o640);
  host.writeText(file, "two");
  assert.equal(readFileSync(file, "utf8"), "two");
  assert.equal(statSync(file).mode & 0o777, 0o640);
  const link = path.join(dir, "link.txt");
  symlinkSync(file, link);
  host.writeText(link, "three");
  assert.equal(readlinkSync(link), file);
  assert.equal(readFileSync(file, "utf8"), "three");
  assert.deepEqual(
    host.listDir(dir).filter((e) => e.name.includes("harn-tmp")),
    [],
    "no temp files left behind",
  );
  assert.throws(() => host.writeText(dir, "x"), /Is a directory \(os error 21\)/);
});

test("exec captures output and the exit code", async () => {
  const r = await host.exec({ program: "sh", args: ["-c", "echo out; echo err >&2; exit 3"], cwd: dir });
  assert.equal(r.stdout, "out\n");
  assert.equal(r.stderr, "err\n");
  assert.equal(r.exitCode, 3);
  assert.equal(r.timedOut, false);
});

test("exec sees the overlay environment and can start from an empty one", async () => {
  const env = new Map([["HARN_HOST_TEST", "yes"]]);
  const merged = await host.exec({
    program: "sh",
    args: ["-c", 'printf "%s:%s" "$HARN_HOST_TEST" "$HOME"'],
    env,
  });
  assert.equal(merged.stdout, `yes:${process.env["HOME"] ?? ""}`);
  const bare = await host.exec({
    program: "/bin/sh",
    args: ["-c", 'printf "%s:%s" "$HARN_HOST_TEST" "$HOME"'],
    env,
    clearEnv: true,
  });
  assert.equal(bare.stdout, "yes:");
});

test("a timeout kills the whole process group promptly", async () => {
  const started = Date.now();
  // The background sleep inherits the pipes: without a group kill, completion would wait for it.
  const r = await host.exec({ program: "sh", args: ["-c", "sleep 5 & sleep 5"], timeoutMs: 150 });
  assert.equal(r.timedOut, true);
  assert.equal(r.exitCode, null);
  assert.equal(r.signal, "SIGKILL");
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
});

test("a timeout also ends a background job left by a finished shell", async () => {
  const started = Date.now();
  const r = await host.exec({ program: "sh", args: ["-c", "sleep 5 & exit 0"], timeoutMs: 150 });
  assert.equal(r.exitCode, 0);
  assert.equal(r.timedOut, true);
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
});

test("aborting kills the command", async () => {
  const controller = new AbortController();
  const started = Date.now();
  const pending = host.exec({ program: "sh", args: ["-c", "sleep 5 & sleep 5"], signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  const r = await pending;
  assert.equal(r.exitCode, null);
  assert.ok(Date.now() - started < 2500);
});

test("a missing program rejects with the spawn error", async () => {
  await assert.rejects(
    host.exec({ program: "harn-no-such-program-xyz", args: [] }),
    (e: unknown) => e instanceof HostIoError && e.message === "No such file or directory (os error 2)",
  );
});

test("the default shell runs a command line", async () => {
  const { program, args } = host.shellInvocation("echo $((1 + 2))");
  assert.equal(args.at(-1), "echo $((1 + 2))");
  const r = await host.exec({ program, args });
  assert.equal(r.stdout.trim(), "3");
});
