// `npm run bench`: the whole performance suite in one process and one run.
// 1. the eleven VM workloads on harn-ts, plain JavaScript (V8), and QuickJS
//    in WebAssembly, beside the reference's published means;
// 2. start-up of the `harn` CLI against `node -e 0`;
// 3. the concurrency workloads (in child processes, for peak memory).
// Prints the tables and writes bench/results/latest.json. See README.md.

import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ConcurrencyResult, CONCURRENCY_ITERATIONS, runConcurrency } from "./lib/concurrency.ts";
import { loadHarn, probeModuleReuse } from "./lib/harn-runner.ts";
import { machineInfo } from "./lib/machine.ts";
import { medianOf, type Outcome } from "./lib/outcome.ts";
import { benchStartup, type StartupResult } from "./lib/startup.ts";
import type { RunPlan } from "./lib/stats.ts";
import { geometricMeans, PLANS, runSuite, type WorkloadResult } from "./lib/suite.ts";
import { formatMs, formatRatio, renderTable } from "./lib/table.ts";
import { REFERENCE_MACHINE } from "./reference-baseline.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const progress = (text: string): void => void process.stderr.write(`  running ${text}...\n`);

/** A cell: the median in ms, or `n/a` (the reason goes in the notes below the tables). */
function cell(outcome: Outcome, notes: string[], label: string): string {
  if (outcome.ok) return formatMs(outcome.timing.medianMs);
  notes.push(`${label}: n/a (${outcome.error})`);
  return "n/a";
}

function suiteRow(r: WorkloadResult, notes: string[]): string[] {
  if (!r.checksumsAgree) {
    const sums = [r.harn, r.js, r.quickjs].map((o) => (o.ok ? o.checksum : "-")).join(" / ");
    notes.push(`${r.name}: checksums differ (harn-ts / js / quickjs: ${sums})`);
  }
  return [
    r.checksumsAgree ? r.name : `${r.name} (!)`,
    cell(r.harn, notes, `${r.name} on harn-ts`),
    cell(r.js, notes, `${r.name} on js`),
    cell(r.quickjs, notes, `${r.name} on quickjs`),
    formatMs(r.referenceMeanMs),
    formatRatio(r.ratios.harnToQuickjs),
    formatRatio(r.ratios.harnToReference),
    formatRatio(r.ratios.harnToJs),
    formatMs(r.harn.ok ? r.harn.compileMs : null),
  ];
}

function suiteTable(results: readonly WorkloadResult[], notes: string[]): string {
  const rows = results.map((r) => suiteRow(r, notes));
  const g = geometricMeans(results);
  const means = [g.harnMs, g.jsMs, g.quickjsMs, g.referenceMs].map(formatMs);
  const ratios = [g.ratios.harnToQuickjs, g.ratios.harnToReference, g.ratios.harnToJs].map(formatRatio);
  rows.push(["geometric mean", ...means, ...ratios, ""]);
  notes.push(
    `geometric means: ms over the ${g.workloads.length} workloads all three engines ran (reference ms ` +
      "over those with a published number); each ratio over the rows that have it",
  );
  notes.push("compile ms: harn-ts parse + compile of the workload, median over the runs (warm)");
  const header = ["workload", "harn-ts ms", "js ms", "quickjs ms", "reference ms"];
  return renderTable([...header, "harn/quickjs", "harn/reference", "harn/js", "compile ms"], rows);
}

function startupTable(startup: StartupResult, notes: string[]): string {
  const harn = medianOf(startup.harn);
  const node = medianOf(startup.node);
  return renderTable(
    ["command", "ms"],
    [
      ["node bin/harn.mjs run bench/hello.harn", cell(startup.harn, notes, "start-up of harn")],
      ["node -e 0", cell(startup.node, notes, "start-up of node")],
      ["difference", formatMs(harn === null || node === null ? null : harn - node)],
    ],
  );
}

function concurrencyTable(rows: readonly ConcurrencyResult[], notes: string[]): string {
  const rss = (o: ConcurrencyResult["harn"]): string =>
    o.ok && o.peakRssMib !== undefined ? o.peakRssMib.toFixed(1) : "n/a";
  const body = rows.map((r) => [
    r.name,
    cell(r.harn, notes, `${r.name} on harn-ts`),
    rss(r.harn),
    cell(r.js, notes, `${r.name} on node`),
    rss(r.js),
  ]);
  const header = ["workload", "harn-ts wall ms", "harn-ts peak RSS MiB", "node wall ms", "node peak RSS MiB"];
  return renderTable(header, body);
}

interface Report {
  readonly moduleReuse: string;
  readonly suite: readonly WorkloadResult[];
  readonly startup: StartupResult;
  readonly concurrency: readonly ConcurrencyResult[];
}

function printReport(report: Report): void {
  const reuse = report.moduleReuse;
  const notes = [
    `one compiled module in several VMs: ${reuse}${reuse === "safe" ? "" : "; so every run compiles afresh, untimed"}`,
  ];
  const out = ["", "VM workloads (median ms per run, compile excluded)", suiteTable(report.suite, notes)];
  const plan = (p: RunPlan): string => `${p.warmup} warm-up + ${p.minRuns}-${p.maxRuns} timed runs`;
  notes.push(`runs: harn-ts ${plan(PLANS.harn)}; js ${plan(PLANS.js)}; quickjs ${plan(PLANS.quickjs)}`);
  notes.push(`reference = published means of Rust Harn on ${REFERENCE_MACHINE}, not this machine`);
  out.push("", "Start-up (median wall ms of 20 spawns each)", startupTable(report.startup, notes));
  const title = `Concurrency (own child process each; median of ${CONCURRENCY_ITERATIONS} runs after 1 warm-up)`;
  out.push("", title, concurrencyTable(report.concurrency, notes));
  out.push("", ...notes.map((n) => `* ${n}`), "");
  process.stdout.write(out.join("\n"));
}

function writeResults(results: Report & { readonly machine: ReturnType<typeof machineInfo> }): void {
  const file = `${ROOT}/bench/results/latest.json`;
  mkdirSync(`${ROOT}/bench/results`, { recursive: true });
  const document = {
    schema: 1,
    recordedAt: new Date().toISOString(),
    machine: results.machine,
    plans: PLANS,
    referenceMachine: REFERENCE_MACHINE,
    moduleReuse: results.moduleReuse,
    suite: results.suite,
    geometricMeans: geometricMeans(results.suite),
    startup: results.startup,
    concurrency: results.concurrency,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`results written to ${file.slice(ROOT.length + 1)}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = machineInfo(ROOT);
  process.stderr.write(
    `harn-ts bench on ${machine.cpuModel} (${machine.cores} cores), node ${machine.node}\n`,
  );
  const moduleReuse = await probeModuleReuse(await loadHarn());
  const suite = await runSuite(ROOT, moduleReuse === "safe", progress);
  progress("start-up");
  const startup = benchStartup(ROOT);
  const concurrency = runConcurrency(ROOT, progress);
  const report = { moduleReuse, suite, startup, concurrency };
  printReport(report);
  writeResults({ machine, ...report });
  process.stdout.write(`whole suite: ${((performance.now() - started) / 1000) | 0} s\n`);
}

await main();
