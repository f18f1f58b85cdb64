// Statistics builtins (`mean`, `median`, `percentile`, `variance`,
// `stddev`, always float results) and the numeric kernels behind the
// `std/math` module (`__math_*`): k-means iterations, stable ranking, the
// error function and the inverse normal CDF. `std/math` validates its
// arguments in Harn with the reference's messages and hands only
// well-formed input to these.

import { compareValues } from "../../vm/compare.ts";
import { runtimeError, typeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { numberOf } from "./math.ts";

function numberArg(v: Value | undefined, label: string): number {
  const x = numberOf(v);
  if (x === undefined) throw typeError(`${label} must be numeric`);
  return x;
}

function numericList(args: Value[], label: string): number[] {
  const items = args[0];
  if (!Array.isArray(items)) throw typeError(`${label}: items must be a list`);
  return items.map((item) => numberArg(item, label));
}

function nonEmptyNumericList(args: Value[], label: string): number[] {
  const xs = numericList(args, label);
  if (xs.length === 0) throw runtimeError(`${label}: items must not be empty`);
  return xs;
}

/** Rust `f64::total_cmp` order: -0 before +0, NaN after everything. */
export function totalCompare(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  if (a !== b) return a < b ? -1 : 1;
  return Number(Object.is(b, -0)) - Number(Object.is(a, -0));
}

function sumOf(xs: readonly number[]): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort(totalCompare);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** R-7 (linear between closest ranks) percentile of a non-empty list, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort(totalCompare);
  if (s.length === 1) return s[0]!;
  const h = 1 + (s.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  if (lo === hi) return s[lo - 1]!;
  return s[lo - 1]! + (h - lo) * (s[hi - 1]! - s[lo - 1]!);
}

function variance(args: Value[], label: string): number {
  const xs = nonEmptyNumericList(args, label);
  const sample = args[1] !== undefined && truthyFlag(args[1]);
  if (sample && xs.length < 2) throw runtimeError("sample variance requires at least 2 values");
  const mu = sumOf(xs) / xs.length;
  let total = 0;
  for (const x of xs) total += (x - mu) * (x - mu);
  return total / (sample ? xs.length - 1 : xs.length);
}

function truthyFlag(v: Value): boolean {
  return v !== null && v !== false && v !== 0 && !(v instanceof HFloat && v.v === 0);
}

/**
 * The Abramowitz–Stegun 7.1.26 approximation of erf (|error| < 1.5e-7),
 * the same approximation the reference's `normal_cdf` uses.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-ax * ax);
  return x < 0 ? -y : y;
}

// Acklam's rational approximation of the inverse standard normal CDF.
const QA = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const QB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const QC = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const QD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Evaluates a polynomial with coefficients from the highest power down (Horner). */
function horner(coeffs: readonly number[], x: number, last = 0): number {
  let acc = 0;
  for (const c of coeffs) acc = acc * x + c;
  return last === 0 ? acc : acc * x + last;
}

/** z such that Φ(z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const z = horner(QC, q) / horner(QD, q, 1);
    return p < P_LOW ? z : -z;
  }
  const q = p - 0.5;
  const r = q * q;
  return (horner(QA, r) * q) / horner(QB, r, 1);
}

function registerStatBuiltins(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("mean", (args) => {
    const xs = numericList(args, "mean");
    return new HFloat(xs.length === 0 ? 0 : sumOf(xs) / xs.length);
  });
  b("median", (args) => new HFloat(median(nonEmptyNumericList(args, "median"))));
  b("percentile", (args) => {
    const xs = nonEmptyNumericList(args, "percentile");
    const p = numberArg(args[1], "percentile");
    if (!(p >= 0 && p <= 100)) throw runtimeError("percentile must be between 0 and 100");
    return new HFloat(percentile(xs, p));
  });
  b("variance", (args) => new HFloat(variance(args, "variance")));
  b("stddev", (args) => new HFloat(Math.sqrt(variance(args, "stddev"))));
}

export function registerStats(vm: Vm): void {
  registerStatBuiltins(vm);
  const b = vm.registerBuiltin.bind(vm);
  b("__math_erf", (args) => new HFloat(erf(numberOf(args[0]) ?? Number.NaN)));
  b("__math_normal_quantile", (args) => new HFloat(normalQuantile(numberOf(args[0]) ?? Number.NaN)));
  b("__math_kmeans", (args) => kmeansValue(args));
  b("__math_rank", (args) => rank(Array.isArray(args[0]) ? args[0] : [], args[1] === true));
}

/** Indices ordering `scores` ascending (or descending); equal scores keep their input order. */
export function rank(scores: readonly Value[], descending: boolean): number[] {
  const sign = descending ? -1 : 1;
  return scores.map((_, i) => i).sort((i, j) => sign * compareValues(scores[i]!, scores[j]!));
}

function kmeansValue(args: Value[]): Value {
  const points = (args[0] as Value[]).map((p) => (p as Value[]).map((x) => numberOf(x) ?? 0));
  const k = numberOf(args[1]) ?? 1;
  const maxIterations = numberOf(args[2]) ?? 100;
  const r = kmeans(points, k, maxIterations);
  const floats = (xs: number[]): Value[] => xs.map((x) => new HFloat(x));
  return Dict.of({
    centroids: r.centroids.map(floats),
    assignments: r.assignments,
    counts: r.counts,
    iterations: r.iterations,
    converged: r.converged,
    inertia: new HFloat(r.inertia),
  });
}

export interface KMeansResult {
  centroids: number[][];
  assignments: number[];
  counts: number[];
  iterations: number;
  converged: boolean;
  inertia: number;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += (a[i]! - b[i]!) ** 2;
  return total;
}

/** Index of the nearest centroid (first on ties) and the squared distance to it. */
function nearest(point: readonly number[], centroids: readonly number[][]): [number, number] {
  let best = 0;
  let bestDistance = squaredDistance(point, centroids[0]!);
  for (let c = 1; c < centroids.length; c++) {
    const d = squaredDistance(point, centroids[c]!);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return [best, bestDistance];
}

/**
 * Deterministic k-means: seeds with the first point, then repeatedly the
 * point farthest from the chosen seeds; an emptied cluster is re-seeded
 * with the point of largest error. Stops when assignments repeat.
 */
export function kmeans(points: number[][], k: number, maxIterations: number): KMeansResult {
  const dims = points[0]!.length;
  const centroids = [points[0]!.slice()];
  while (centroids.length < k) {
    let far = 0;
    let farDistance = -1;
    points.forEach((p, i) => {
      const d = nearest(p, centroids)[1];
      if (d > farDistance) [far, farDistance] = [i, d];
    });
    centroids.push(points[far]!.slice());
  }
  let assignments: number[] = [];
  let counts: number[] = [];
  let inertia = 0;
  let iterations = 0;
  let converged = false;
  let current = centroids;
  while (iterations < maxIterations) {
    const found = points.map((p) => nearest(p, current));
    const next = found.map(([c]) => c);
    const errors = found.map(([, d]) => d);
    inertia = errors.reduce((a, d) => a + d, 0);
    const sums = Array.from({ length: k }, () => new Array<number>(dims).fill(0));
    counts = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      const c = next[i]!;
      counts[c]!++;
      for (let d = 0; d < dims; d++) sums[c]![d]! += p[d]!;
    });
    const worst = errors.reduce((w, d, i) => (d > errors[w]! ? i : w), 0);
    current = sums.map((s, c) => (counts[c] === 0 ? points[worst]!.slice() : s.map((x) => x / counts[c]!)));
    iterations++;
    const same = next.length === assignments.length && next.every((c, i) => c === assignments[i]);
    assignments = next;
    if (same) {
      converged = true;
      break;
    }
  }
  if (!converged) {
    const found = points.map((p) => nearest(p, current));
    assignments = found.map(([c]) => c);
    inertia = found.reduce((a, [, d]) => a + d, 0);
    counts = new Array<number>(k).fill(0);
    for (const c of assignments) counts[c]!++;
  }
  return { centroids: current, assignments, counts, iterations, converged, inertia };
}
