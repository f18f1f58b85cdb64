// Child process for the JavaScript twins of the concurrency workloads:
// `node js-child.mjs FILE ITERATIONS` runs the twin's async `run()` once to
// warm up and then ITERATIONS times, and prints one JSON line shaped like
// `harn bench --json`, including the process's peak resident memory. A
// separate process keeps each workload's peak memory its own.
import { readFileSync } from "node:fs";

const [file, iterationsText = "3"] = process.argv.slice(2);
const run = new Function(`${readFileSync(file, "utf8")}\nreturn run;`)();
const startRssMib = process.memoryUsage.rss() / 1048576;
const output = String(await run());
const samplesMs = [];
for (let i = 0; i < Number(iterationsText); i++) {
  const started = performance.now();
  const value = String(await run());
  samplesMs.push(performance.now() - started);
  if (value !== output) throw new Error(`result changed between runs: ${value}`);
}
const peakRssMib = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ samplesMs, startRssMib, peakRssMib, output })}\n`);
