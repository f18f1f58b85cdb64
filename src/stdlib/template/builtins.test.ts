// End-to-end tests of `render`, `render_prompt` and `render_string` inside a
// VM, on real files in a temporary directory: paths resolve against the
// calling file (also inside an imported module), package-root forms use
// the nearest harn.toml, and failures are catchable thrown strings.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { nodeStdlibHost } from "../../host/stdlib-host.ts";
import { registerTemplates } from "./index.ts";

const root = mkdtempSync(path.join(tmpdir(), "harn-templates-"));
after(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

write("harn.toml", '[asset_roots]\nparts = "prompts/parts"\n');
write("prompts/hello.prompt", "Hello {{ who }}!");
write("prompts/parts/sig.prompt", "-- {{ who | upper }}");
write("prompts/bad.prompt", "{{ who | shout }}");
write("lib/deep/helper.harn", 'pub fn local() { return render("note.txt") }\n');
write("lib/deep/note.txt", "note from lib");

async function run(source: string): Promise<{ out: string; error?: string }> {
  const file = write("main.harn", source);
  const compiled = compileSource(source, file);
  assert.ok(compiled.module, JSON.stringify(compiled.diagnostics));
  let out = "";
  const vm = createVm({ output: (t) => (out += t) });
  registerTemplates(vm, nodeStdlibHost);
  const result = await vm.run(compiled.module);
  return result.error ? { out, error: uncaughtMessage(result.error) } : { out };
}

test("render resolves against the calling file, also in imported modules", async () => {
  const { out, error } = await run(
    'import "lib/deep/helper"\n' +
      'println(render("prompts/hello.prompt", {who: "Ada"}))\n' +
      'println(render_prompt("@/prompts/hello.prompt", {who: "Bo"}))\n' +
      'println(render("@parts/sig.prompt", {who: "cy"}))\n' +
      "println(local())\n",
  );
  assert.equal(error, undefined);
  assert.equal(out, "Hello Ada!\nHello Bo!\n-- CY\nnote from lib\n");
});

test("render_string renders inline text; non-dict bindings count as none", async () => {
  const { out } = await run(
    'println(render_string("{{ for x in xs }}{{ x }}{{ end }}", {xs: [1, 2]}))\n' +
      'println(render_string("{{ x }}", 5))\n' +
      'println(render_string("[{{ include \\"@/prompts/hello.prompt\\" }}]", {who: "in"}))\n',
  );
  assert.equal(out, "12\n{{x}}\n[Hello in!]\n");
});

test("failures are thrown strings", async () => {
  const { out } = await run(
    'try { render("prompts/bad.prompt", {who: 1}) } catch (e) { println(type_of(e)); println(e) }\n' +
      'try { render("nope.prompt") } catch (e) { println(e) }\n' +
      'try { render("@nope/x.prompt") } catch (e) { println(e) }\n',
  );
  const bad = path.join(root, "prompts/bad.prompt");
  assert.equal(
    out,
    `string\n${bad} at 1:1: unknown filter \`shout\`\n` +
      `Failed to read template ${path.join(root, "nope.prompt")}: No such file or directory (os error 2)\n` +
      `asset alias 'nope' is not defined in [asset_roots] of ${path.join(root, "harn.toml")}\n`,
  );
  const uncaught = await run('render_string("{{ if x }}")\n');
  assert.match(uncaught.error ?? "", /^Thrown: at 1:1: `\{\{ if \}\}` missing matching `\{\{ end \}\}`/);
});
