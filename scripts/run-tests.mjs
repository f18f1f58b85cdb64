// Test entry point for `npm test`: runs every `*.test.ts` under src/ and tests/
// in one `node --test` invocation, with tsx loading the TypeScript.
//
// Node 20's `--test` does not expand globs, so the files are listed here and
// passed explicitly (sorted, so runs are reproducible). The spec reporter ends
// with the `ℹ pass N` / `ℹ fail N` summary CI reads. Extra arguments are
// substring filters on the file paths: `node scripts/run-tests.mjs lexer`.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Repo-relative paths of the test files under `dir`, recursively. */
function findTests(dir) {
  if (!existsSync(path.join(root, dir))) return [];
  const found = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== "node_modules") found.push(...findTests(relative));
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) found.push(relative);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = [...findTests("src"), ...findTests("tests")]
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (files.length === 0) {
  if (filters.length === 0) {
    console.log("no test files");
    process.exit(0);
  }
  // A mistyped filter should not look like a green run.
  console.error(`no test files match ${filters.map((f) => JSON.stringify(f)).join(" or ")}`);
  process.exit(1);
}

// Each test file runs in its own process; two at a time suits the 2-core CI
// machines. `--test-concurrency` exists from Node 20.10; package.json needs 20.19.
const args = ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2"];

const child = spawn(process.execPath, [...args, ...files], { cwd: root, stdio: "inherit" });
child.on("error", (error) => {
  console.error(`run-tests: cannot start node: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) console.error(`run-tests: node --test was killed by ${signal}`);
  process.exit(code ?? 1);
});
