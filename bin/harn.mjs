#!/usr/bin/env node
// Loads the CommonJS CLI bundle through vm.Script with a V8 code cache, so a
// start-up does not re-parse and re-compile 1.6 MB of JavaScript each time
// (about 40 ms saved per run; docs/decisions/0001-bundled-cli.md). The cache
// is keyed by the bundle's size and mtime and refreshed when V8 rejects it;
// any failure to read or write it only costs speed.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const bundle = join(dist, "harn.cjs");
const source = readFileSync(bundle, "utf8");
const { size, mtimeMs } = statSync(bundle);
const cacheDir = join(dist, ".code-cache");
const cacheFile = join(cacheDir, `harn-${size}-${Math.trunc(mtimeMs)}-${process.version}.bin`);

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}

const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
if (cachedData === undefined || script.cachedDataRejected) {
  // After the run, so the cache also holds the functions this run compiled.
  process.once("exit", () => {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {}
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
