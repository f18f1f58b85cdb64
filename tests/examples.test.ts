// Every program under examples/ runs to completion: they are what a new
// user tries first, so a change that breaks one must fail the suite.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runSource, uncaughtMessage } from "../src/engine.ts";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples");

for (const name of readdirSync(dir).filter((f) => f.endsWith(".harn"))) {
  test(`examples/${name} runs`, async () => {
    const file = path.join(dir, name);
    const out: string[] = [];
    const r = await runSource(readFileSync(file, "utf8"), file, {
      output: (s) => out.push(s),
      errorOutput: () => {},
    });
    assert.equal(r.kind, "ok", r.kind === "error" ? uncaughtMessage(r.error) : r.kind);
    assert.ok(out.join("").length > 0, "prints something");
  });
}
