// The Harn-written std modules this folder backs: std/math (results,
// types and validation messages), std/text and the dict helpers of std/json.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { NULL_HOST } from "../host-api.ts";
import { registerNumericStdlib } from "./index.ts";

async function lines(source: string): Promise<string[]> {
  const compiled = compileSource(source, "snippet.harn");
  if (!compiled.module) return compiled.diagnostics.map((d) => `diagnostic: ${d.message}`);
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s), errorOutput: () => {}, host: NULL_HOST });
  registerNumericStdlib(vm, NULL_HOST);
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}`);
  return out.join("").trimEnd().split("\n");
}

test("std/math keeps ints where the reference does", async () => {
  assert.deepEqual(
    await lines(`
import "std/math"
println([sum([1, 2, 3]), avg([2, 4]), avg([]), median([7, 1, 5]), median([1, 2, 10, 20])])
println([clamp(99, 0, 10), lerp(0, 100, 0.5), map_range(5.0, 0, 10, 0, 100), deg_to_rad(180) == pi])
println([percentile([1, 2, 3, 4], 25), percentile([1, 2, 3], 50), variance([1, 2, 3, 4])])
println([argsort([30, 10, 20, 10]), top_k(["bbb", "a", "cc"], 2, { s -> len(s) }), top_k([1, 2], 0)])
println([minmax_scale([10, 20, 30]), zscore([7, 7]), moving_avg([1, 2, 3, 4], 2), ema([10, 20], 0.5)])
println([dot([1, 2, 3], [4, 5, 6]), vector_norm([3, 4]), manhattan_distance([1, 2], [4, 6]), chebyshev_distance([1, 2], [4, 6])])
println([covariance([1, 2, 3], [2, 4, 6]), correlation([1, 2, 3], [3, 2, 1]), weighted_mean([10, 20], [1, 3])])
println([weighted_choice(["a", "b", "c"], [0, 1, 0]), round(sum(softmax([1, 2, 3])) * 1000)])
println([round(normal_pdf(0) * 10000), round(normal_cdf(1.96) * 1000), round(normal_quantile(0.975) * 1000), round(normal_quantile(0.01) * 1000)])
println(kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2))
println(kmeans([[1], [2], [9]], 2, {max_iterations: 1}).converged)
`),
    [
      "[6, 3.0, 0, 5, 6.0]",
      "[10, 50.0, 50.0, true]",
      "[1.75, 2, 1.25]",
      "[[1, 3, 2, 0], [bbb, cc], []]",
      "[[0.0, 0.5, 1.0], [0.0, 0.0], [1.5, 2.5, 3.5], [10.0, 15.0]]",
      "[32.0, 5.0, 7.0, 4]",
      "[1.3333333333333333, -1.0, 17.5]",
      "[b, 1000]",
      "[3989, 975, 1960, -2326]",
      "{assignments: [0, 0, 1, 1], centroids: [[0.0, 0.5], [10.0, 10.5]], converged: true, counts: [2, 2], inertia: 1.0, iterations: 2}",
      "false",
    ],
  );
});

test("std/math rejects bad arguments with named messages", async () => {
  const cases: [string, string][] = [
    ["median([])", "items must not be empty"],
    ['sum("x")', "items must be a list"],
    ['sum([1, "x"])', "items must contain only numbers"],
    ["percentile([1], 101)", "percentile must be between 0 and 100"],
    ["dot([1], [1, 2])", "vectors must have the same length"],
    ["vector_normalize([0, 0])", "cannot normalize a zero vector"],
    ["softmax([1], 0)", "temperature must be greater than 0"],
    ["moving_avg([1, 2], 1.5)", "window must be an integer"],
    ["ema([1], 1)", "alpha must be between 0 and 1"],
    ["top_k([1], -1)", "k must be non-negative"],
    ["weighted_mean([1], [-1])", "weights must contain only non-negative numbers"],
    ["kmeans([], 1)", "points must not be empty"],
    ["kmeans([[1]], 2)", "k must not exceed the number of points"],
    ["normal_pdf(0, 0, -1)", "stddev must be greater than 0"],
    [
      "correlation([1, 2], [1, 2], true) + covariance([1], [1], true)",
      "sample covariance requires at least 2 values",
    ],
  ];
  for (const [call, message] of cases) {
    const out = await lines(`import "std/math"\nprintln(try { ${call} })`);
    assert.deepEqual(out, [`Result.Err(${message})`], call);
  }
});

test("std/text helpers", async () => {
  assert.deepEqual(
    await lines(`
import { extract_paths, parse_cells, filter_test_cells, truncate_head_tail, int_to_string, parse_float_or, has_got_want, format_test_errors } from "std/text"
println(extract_paths("see (src/main.rs), and ./lib/a.go.\\n// skip/me.txt\\n# no/too.md\\nagain src/main.rs"))
let cells = parse_cells("x\\n\`\`\`\\nplain\\n\`\`\`\\n\`\`\`call\\nwrite_file(\\"t.py\\")\\n\`\`\`\\n\`\`\`py\\nopen")
println(cells)
println([len(filter_test_cells(cells, nil)), len(filter_test_cells(cells, "other.py"))])
println(truncate_head_tail("1\\n2\\n3\\n4\\n5", 1))
println([int_to_string(4.9), parse_float_or("x", 0.5), has_got_want("got: 1 expected: 2")])
println(format_test_errors("ok\\nFAIL a\\nfine\\nassert b"))
println(try { int_to_string("z") })
`),
    [
      "[./lib/a.go, src/main.rs]",
      '[{code: plain, lang: nil, type: code}, {code: write_file("t.py"), lang: nil, type: call}]',
      "[2, 1]",
      "1",
      "... (3 lines omitted) ...",
      "5",
      "[4, 0.5, true]",
      "FAIL a",
      "assert b",
      "Result.Err(int_to_string expects an integer-compatible value)",
    ],
  );
});

test("std/json dict helpers", async () => {
  assert.deepEqual(
    await lines(`
import { merge, pick, omit } from "std/json"
println([merge({a: 1, b: 2}, {b: 3}), pick({a: 1, b: nil, c: 3}, ["a", "b", "z"]), omit({a: 1, b: 2}, ["a"])])
`),
    ["[{a: 1, b: 3}, {a: 1}, {b: 2}]"],
  );
});
