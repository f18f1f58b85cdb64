// The system builtins end to end, run as Harn against the Node host in a
// temp directory: resolution against the task's working directory and
// environment, policy refusals, commands that park (and die with their
// deadline), stdin/stderr mocks and the runtime path model.

import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { nodeSystemHost } from "../../host/system-host.ts";
import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { Dict } from "../../vm/values.ts";
import { registerSystemStdlib } from "./index.ts";
import { runProcessExec } from "./process.ts";

const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "harn-system-")));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `source` as the file `file`. `__enter(cwd, env, scope_root?)`
 * installs an execution context on the calling task, as a worker launcher
 * would.
 */
async function run(source: string, file = path.join(dir, "main.harn")): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const compiled = compileSource(source, file);
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("; "));
  const vm = createVm({ output: (s) => out.push(s), errorOutput: (s) => err.push(s) });
  registerSystemStdlib(vm, nodeSystemHost);
  vm.registerBuiltin("__enter", (args, ctx) => {
    const envDict = args[1];
    const env = new Map<string, string>();
    if (envDict instanceof Dict) for (const k of envDict.keys()) env.set(k, display(envDict.get(k)));
    const scope = args[2];
    const pathScopeRoot = typeof scope === "string" ? scope : null;
    const executionContext = { cwd: display(args[0]!), env, sourceDir: "", pathScopeRoot };
    ctx.task.ctx = contextOf(ctx.task).with({ executionContext });
    return null;
  });
  vm.registerBuiltin("__process_exec", (args, ctx) => runProcessExec(ctx, nodeSystemHost, args[0] as Dict));
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}`);
  return { out: out.join("").trimEnd(), err: err.join("") };
}

test("files resolve against the task's working directory", async () => {
  mkdirSync(path.join(dir, "work/sub"), { recursive: true });
  const { out } = await run(`
__enter("${dir}/work", {})
write_file("note.txt", "hello")
append_file("note.txt", " world")
println(read_file("${dir}/work/note.txt"))
println(list_dir("."))
println(glob("*.txt").map({ p -> p.ends_with("/note.txt") }))
move_file("note.txt", "sub/moved.txt")
println([file_exists("note.txt"), read_lines("sub/moved.txt")])
let info = stat("sub/moved.txt")
println([info.size, info.is_file, info.is_dir, type_of(info.modified)])
println(walk_dir("sub").map({ e -> e.depth }))
delete_file("sub")
println(file_exists("sub"))
println(cwd() == "${dir}/work")
`);
  assert.equal(
    out,
    [
      "hello world",
      "[note.txt, sub]",
      "[true]",
      "[false, [hello world]]",
      "[11, true, false, float]",
      "[0, 1]",
      "false",
      "true",
    ].join("\n"),
  );
});

test("I/O failures are thrown with the reference's wording", async () => {
  const { out } = await run(`
try { read_file("${dir}/nope.txt") } catch (e) { println(e) }
println(read_file_result("${dir}/nope.txt"))
try { delete_file("${dir}/nope.txt") } catch (e) { println(e) }
try { exec("harn-no-such-program-xyz") } catch (e) { println(e) }
try { glob("[a") } catch (e) { println(e) }
`);
  assert.equal(
    out,
    [
      `Failed to read file ${dir}/nope.txt: No such file or directory (os error 2)`,
      `Result.Err(Failed to read file ${dir}/nope.txt: No such file or directory (os error 2))`,
      `Failed to delete file ${dir}/nope.txt: No such file or directory (os error 2)`,
      "exec failed: process spawn failed: No such file or directory (os error 2)",
      "glob: error parsing glob '[a': unclosed character class; missing ']'",
    ].join("\n"),
  );
});

test("commands and env see the task's cwd and environment overlay", async () => {
  mkdirSync(path.join(dir, "ctx/inner"), { recursive: true });
  const { out } = await run(`
__enter("${dir}/ctx", {HARN_SYSTEM_TEST: "from-context"})
println(env("HARN_SYSTEM_TEST"))
println(env_or("HARN_SYSTEM_TEST_UNSET", 7))
let r = shell("printf '%s|' \\"$HARN_SYSTEM_TEST\\"; pwd")
println([r.stdout.trim(), r.status, r.success])
println(exec_at("inner", "pwd").stdout.trim())
let failed = shell_at("inner", "exit 4")
println([failed.status, failed.success])
`);
  assert.equal(
    out,
    ["from-context", "7", `[from-context|${dir}/ctx, 0, true]`, `${dir}/ctx/inner`, "[4, false]"].join("\n"),
  );
});

test("the execution policy bounds files and processes", async () => {
  mkdirSync(path.join(dir, "ws"), { recursive: true });
  writeFileSync(path.join(dir, "secret.txt"), "secret");
  writeFileSync(path.join(dir, "ws/ok.txt"), "ok");
  symlinkSync(path.join(dir, "secret.txt"), path.join(dir, "ws/escape.txt"));
  const { out } = await run(`
with_execution_policy({capabilities: {workspace: ["read_text"]}}, { ->
  println(read_file("${dir}/ws/ok.txt"))
  try { write_file("${dir}/ws/x.txt", "x") } catch (e) { println(e) }
  try { exec("true") } catch (e) { println(e) }
})
with_execution_policy({side_effect_level: "read_only"}, { ->
  try { mkdir("${dir}/ws/d") } catch (e) { println(e) }
})
with_execution_policy({workspace_roots: ["${dir}/ws"]}, { ->
  println(read_file("${dir}/ws/ok.txt"))
  try { read_file("${dir}/ws/escape.txt") } catch (e) { println(e) }
  println(is_err(read_file_result("${dir}/secret.txt")))
  try { shell_at("${dir}", "true") } catch (e) { println(e) }
})
__enter("${dir}/ws", {}, "${dir}/ws")
println(read_file("ok.txt"))
try { write_file("../out.txt", "x") } catch (e) { println(e) }
`);
  assert.equal(
    out,
    [
      "ok",
      "Error [tool_rejected]: builtin 'write_file' exceeds workspace.write_text ceiling",
      "Error [tool_rejected]: builtin 'exec' exceeds process.exec ceiling",
      "Error [tool_rejected]: builtin 'mkdir' exceeds side-effect ceiling: read_only",
      "ok",
      `Error [tool_rejected]: sandbox violation: builtin 'read_file' attempted to read '${dir}/secret.txt' outside workspace_roots [${dir}/ws]`,
      "true",
      `Error [tool_rejected]: sandbox violation: process cwd '${dir}' is outside workspace_roots [${dir}/ws]`,
      "ok",
      `Error [tool_rejected]: sandbox violation: builtin 'write_file' attempted to write '${dir}/out.txt' outside path scope root [${dir}/ws]`,
    ].join("\n"),
  );
});

test("a running command parks only its own task", async () => {
  const started = Date.now();
  const { out } = await run(`
let a = spawn { exec("sleep", "0.3").status }
let b = spawn { exec("sleep", "0.3").status }
println([await(a), await(b)])
`);
  assert.equal(out, "[0, 0]");
  assert.ok(Date.now() - started < 550, `the sleeps overlapped (${Date.now() - started} ms)`);
});

test("a deadline kills the command and everything it started", async () => {
  const marker = path.join(dir, "marker");
  const started = Date.now();
  const { out } = await run(`
try {
  deadline 100ms { shell("(sleep 0.5; touch ${marker}) & sleep 5") }
} catch (e) { println(e) }
`);
  assert.equal(out, "Runtime error: Deadline exceeded");
  assert.ok(Date.now() - started < 2000);
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.equal(existsSync(marker), false, "the background child was killed too");
});

test("the process.exec capability: argv and shell modes, env replacement, timeouts", async () => {
  const { out } = await run(`
let r = __process_exec({mode: "argv", argv: ["sh", "-c", "echo hi; exit 2"]})
println([r.status, r.exit_code, r.success, r.stdout, r.timed_out, type_of(r.pid)])
let e = __process_exec({command: "printf %s $A$HOME", env: {A: "only"}})
println(e.stdout)
let t = __process_exec({command: "echo started; sleep 5", timeout_ms: 100})
println([t.status, t.exit_code, t.success, t.timed_out, t.stdout.trim()])
try { __process_exec({mode: "argv", argv: []}) } catch (err) { println(err) }
`);
  assert.equal(
    out,
    [
      "[completed, 2, false, hi\n, false, int]",
      "only",
      "[timed_out, -1, false, true, started]",
      "Runtime error: host_call process.exec argv must not be empty",
    ].join("\n"),
  );
});

test("stdin mocks, prompts and stderr capture", async () => {
  const { out, err } = await run(`
mock_stdin("one\\ntwo\\n")
println(prompt_user("name? "))
println(read_line())
println(read_line())
unmock_stdin()
eprintln("to stderr")
capture_stderr_start()
eprint("captured")
println(capture_stderr_take())
mock_tty("stdout", true)
println(is_stdout_tty())
set_color_mode("always")
println([len(color("x", "green")), color("x", "green").contains("[32mx")])
set_color_mode("never")
println(bold("x"))
`);
  assert.equal(out, "name? one\ntwo\nnil\ncaptured\ntrue\n[10, true]\nx");
  assert.equal(err, "to stderr\n");
});

test("source and project paths follow the calling file", async () => {
  const project = path.join(dir, "project");
  mkdirSync(path.join(project, "src"), { recursive: true });
  writeFileSync(path.join(project, "harn.toml"), "");
  const { out } = await run(
    `
println(source_dir() == "${project}/src")
println(project_root() == "${project}")
let paths = runtime_paths()
println([paths.asset_root == asset_root(), paths.state_root, paths.worktree_root])
println(path_workspace_normalize("${project}/src/x.harn", "${project}"))
`,
    path.join(project, "src/main.harn"),
  );
  assert.equal(
    out,
    ["true", "true", `[true, ${project}/.harn, ${project}/.harn/worktrees]`, "src/x.harn"].join("\n"),
  );
});
