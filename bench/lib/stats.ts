// Timing samples and their summaries. Every engine is sampled the same way:
// some untimed warm-up runs, then timed runs until both a minimum count and
// a time budget are reached (or a maximum count), so fast engines get many
// samples and slow ones stay inside the suite's time limit. Medians are
// reported because one GC pause or scheduler hiccup should not move them.

/** How many times to run one workload on one engine. */
export interface RunPlan {
  readonly warmup: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  /** Stop after minRuns once the timed runs have used this many ms. */
  readonly budgetMs: number;
}

export interface Timing {
  readonly runs: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Rounds to `digits` decimals, so the JSON file stays readable and diffable. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Timing {
  const total = samples.reduce((a, b) => a + b, 0);
  return {
    runs: samples.length,
    minMs: round(Math.min(...samples)),
    medianMs: round(median(samples)),
    maxMs: round(Math.max(...samples)),
    meanMs: round(total / samples.length),
  };
}

/** Geometric mean of the positive numbers given; null when there are none. */
export function geometricMean(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null && v > 0);
  if (present.length === 0) return null;
  return Math.exp(present.reduce((sum, v) => sum + Math.log(v), 0) / present.length);
}

/**
 * Runs `once` per the plan and returns the timed samples in ms. `once`
 * returns the duration it measured itself, so setup around the measured
 * part (a fresh VM, a fresh QuickJS context) stays out of the numbers.
 */
export async function sample(plan: RunPlan, once: () => Promise<number> | number): Promise<number[]> {
  collectGarbage();
  for (let i = 0; i < plan.warmup; i++) await once();
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < plan.maxRuns && (samples.length < plan.minRuns || spent < plan.budgetMs)) {
    const ms = await once();
    samples.push(ms);
    spent += ms;
  }
  return samples;
}

/**
 * A full GC (needs node --expose-gc) before each workload's warm-up, so one
 * workload's garbage is not the next one's pause. Not between timed runs:
 * a forced full GC lets V8 drop the optimised code of harn-ts's dispatch
 * loop (it holds weak references to objects the GC frees), and the next
 * run then measured 4-5x slower than in a process that was left alone.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
