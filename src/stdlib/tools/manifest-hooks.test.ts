import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";
import { hookPatternMatches } from "./hook-pattern.ts";
import { installProjectHooks } from "./index.ts";

/** Runs `main` in a fresh project with `toml` and `files`, after installing its hooks. */
async function runProject(toml: string, files: Record<string, string>, main: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "harn-hooks-project-"));
  try {
    writeFileSync(path.join(dir, "harn.toml"), toml);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    const file = path.join(dir, "main.harn");
    const out: string[] = [];
    const err: string[] = [];
    const vm = createVm({ output: (t) => out.push(t), errorOutput: (t) => err.push(t) });
    const installError = await installProjectHooks(vm, file);
    if (installError) return { out: out.join(""), err: err.join(""), error: uncaughtMessage(installError) };
    const compiled = compileSource(main, file, false, undefined, knownNamesOf(vm));
    assert.ok(compiled.module, JSON.stringify(compiled.diagnostics));
    const result = await vm.run(compiled.module);
    return {
      out: out.join(""),
      err: err.join(""),
      error: result.error ? uncaughtMessage(result.error) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LOOP = `pipeline default() {
  var tools = tool_registry()
  tools = tool_define(tools, "rm_file", "Remove", {parameters: {path: {type: "string"}}, handler: { a -> "removed " + a.path }})
  tools = tool_define(tools, "cat_file", "Read", {parameters: {path: {type: "string"}}, handler: { a -> "text of " + a.path }})
  llm_mock({tool_calls: [{id: "1", name: "rm_file", arguments: {path: "a"}}]})
  llm_mock({tool_calls: [{id: "2", name: "cat_file", arguments: {path: "b"}}]})
  llm_mock({text: "<done>##DONE##</done>"})
  agent_loop("go", nil, {provider: "mock", tools: tools, max_iterations: 4})
  var seen = ""
  for call in llm_mock_calls() {
    for m in call.messages { seen = seen + (m?.content ?? "") }
  }
  println([contains(seen, "HOOK refused rm_file"), contains(seen, "removed a"), contains(seen, "HOOK text of b")])
}`;

test("[[hooks]]: handlers from lib.harn (package name) and [exports] run in the agent loop", async () => {
  const toml = `[package]
name = "proj"

[exports]
extra = "hooks/extra.harn"

[[hooks]]
event = "PreToolUse"
pattern = "tool.name =~ \\"^rm_\\""
handler = "proj::refuse"

[[hooks]]
event = "PostToolUse"
pattern = "cat_*"
handler = "extra::tag"
`;
  const lib = { "lib.harn": 'pub fn refuse(e) { return {deny: "HOOK refused " + e.tool.name} }\n' };
  const missing = await runProject(toml, lib, LOOP);
  assert.match(
    missing.error ?? "",
    /export 'extra' resolves to .*hooks\/extra\.harn, but that path does not exist/,
  );
  const ok = await runProject(
    toml,
    { ...lib, "hooks/extra.harn": 'pub fn tag(e) { return "HOOK " + e.result.text }\n' },
    LOOP,
  );
  assert.equal(ok.error, null);
  assert.equal(ok.out, "[true, false, true]\n", "rm_file denied before it ran; cat_file's result rewritten");
});

test("[[hooks]]: bad handlers fail the run with a clear message; worker events are skipped with a warning", async () => {
  const noColons = await runProject('[[hooks]]\nevent = "PreToolUse"\nhandler = "nothing"\n', {}, LOOP);
  assert.equal(
    noColons.error,
    "Runtime error: invalid hook handler 'nothing': expected <module>::<function>",
  );
  const unknown = await runProject('[[hooks]]\nevent = "OnTuesday"\nhandler = "a::b"\n', {}, LOOP);
  assert.match(unknown.error ?? "", /unknown \[\[hooks\]\] event 'OnTuesday'/);
  const notExported = await runProject(
    '[package]\nname = "p"\n[[hooks]]\nevent = "PreToolUse"\nhandler = "p::missing"\n',
    { "lib.harn": "pub fn present(e) { return nil }\n" },
    LOOP,
  );
  assert.equal(notExported.error, "Runtime error: hook handler 'missing' is not exported by module 'p'");
  const worker = await runProject('[[hooks]]\nevent = "WorkerSpawned"\nhandler = "p::w"\n', {}, "println(1)");
  assert.equal(worker.error, null);
  assert.equal(worker.out, "1\n");
  assert.match(worker.err, /WorkerSpawned' is not supported by this runtime/);
});

test("hook patterns: regex, equality, truthy paths and tool-name globs", () => {
  const payload = { event: "PreToolUse", tool: { name: "write_note", args: { force: true, n: 0 } } };
  assert.ok(hookPatternMatches("*", payload));
  assert.ok(hookPatternMatches("", payload));
  assert.ok(hookPatternMatches('tool.name =~ "write|edit"', payload));
  assert.ok(!hookPatternMatches('tool.name =~ "^edit"', payload));
  assert.ok(!hookPatternMatches('tool.name =~ "("', payload), "an invalid regex matches nothing");
  assert.ok(hookPatternMatches("tool.name == 'write_note'", payload));
  assert.ok(hookPatternMatches('event != "PostToolUse"', payload));
  assert.ok(hookPatternMatches("tool.args.force", payload));
  assert.ok(!hookPatternMatches("tool.args.n", payload));
  assert.ok(!hookPatternMatches("tool.args.absent", payload));
  assert.ok(hookPatternMatches("write_*", payload));
  assert.ok(hookPatternMatches("*_note", payload));
  assert.ok(!hookPatternMatches("read_note", payload));
});
