// The numeric and time builtins seen from Harn programs: int vs float
// results, validation messages, seeded randomness, the mockable clock,
// dates in zones, durations, logging lines and tracing.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { NULL_HOST, type StdlibHost } from "../host-api.ts";
import { registerNumericStdlib } from "./index.ts";

/** 2026-04-25T17:32:09.481Z */
const HOST: StdlibHost = { ...NULL_HOST, now: () => 1777138329481 };

async function lines(source: string): Promise<string[]> {
  const compiled = compileSource(source, "snippet.harn");
  if (!compiled.module) return compiled.diagnostics.map((d) => `diagnostic: ${d.message}`);
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s), errorOutput: () => {}, host: HOST });
  registerNumericStdlib(vm, HOST);
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}`);
  return out.join("").trimEnd().split("\n");
}

test("rounding gives ints, transcendental functions floats", async () => {
  assert.deepEqual(
    await lines(`
println([floor(3.7), ceil(3.2), round(2.5), round(-2.5), floor(-0.5), floor(7)])
println([abs(-5), abs(-2.5), sqrt(16), pow(2, 10), pow(2, 63), pow(2, -1), pow(2.0, 3)])
println([sign(-3), sign(0.0), sign(2.5), is_nan(sqrt(-1.0)), is_infinite(1.0), is_nan(1)])
println([sin(0), cos(0), ln(1), log2(8), log10(100), exp(0), atan2(0, 1)])
println([abs("x"), floor(nil), sin("a"), pi > 3.14, e < 2.72])
println(try { ceil(pow(2.0, 70)) })
`),
    [
      "[3, 4, 3, -3, -1, 7]",
      "[5, 2.5, 4.0, 1024, 9223372036854776000, 0.5, 8.0]",
      "[-1, 0, 1, true, false, false]",
      "[0.0, 1.0, 0.0, 3.0, 2.0, 1.0, 0.0]",
      "[nil, nil, nil, true, true]",
      "Result.Err(Runtime error: float is outside the representable int range)",
    ],
  );
});

test("statistics builtins return floats and validate their input", async () => {
  assert.deepEqual(
    await lines(`
println([mean([2, 4, 6]), mean([]), median([3, 1, 2, 4]), percentile([1, 2, 3, 4], 25)])
println([variance([1, 2, 3, 4]), variance([1, 2, 3, 4], true), stddev([2, 2, 2])])
println(try { median([]) })
println(try { percentile([1], 101) })
println(try { variance([1], true) })
println(try { mean([1, "x"]) })
`),
    [
      "[4.0, 0.0, 2.5, 1.75]",
      "[1.25, 1.6666666666666667, 0.0]",
      "Result.Err(Runtime error: median: items must not be empty)",
      "Result.Err(Runtime error: percentile must be between 0 and 100)",
      "Result.Err(Runtime error: sample variance requires at least 2 values)",
      "Result.Err(Type error: mean must be numeric)",
    ],
  );
});

test("seeded generators repeat their sequences", async () => {
  const out = await lines(`
let a = rng_seed(7)
let b = rng_seed(7)
println(random(a) == random(b))
println(random_shuffle(a, [1, 2, 3, 4, 5, 6]) == random_shuffle(b, [1, 2, 3, 4, 5, 6]))
var ok = true
for _ in range(200) {
  let n = random_int(a, -3, 3)
  ok = ok && n >= -3 && n <= 3
  let x = random()
  ok = ok && x >= 0.0 && x < 1.0
}
println(ok)
println([random_int(a, 5, 1), random_choice(a, []), random_choice(["only"]), type_of(a), to_string(a)])
println(random_int(a, -9223372036854775807 - 1, 9223372036854775807) != nil)
println(try { rng_seed("x") })
`);
  assert.deepEqual(out, [
    "true",
    "true",
    "true",
    "[nil, nil, only, rng, <rng>]",
    "true",
    "Result.Err(Type error: rng_seed(seed): seed must be an integer)",
  ]);
});

test("the mocked clock moves only when told to", async () => {
  assert.deepEqual(
    await lines(`
mock_time(1000)
sleep_ms(250)
println([now_ms(), monotonic_ms(), elapsed(), timestamp()])
println(advance_time(750))
unmock_time()
println(now_ms() == 1777138329481)
println(try { advance_time(5) })
`),
    [
      "[1250, 250, 250, 1.25]",
      "2000",
      "true",
      "Result.Err(advance_time: no mock active. Call mock_time(ms) first.)",
    ],
  );
});

test("dates in zones, components and arithmetic", async () => {
  assert.deepEqual(
    await lines(`
let ts = date_parse("2026-04-25T17:32:09Z")
println(date_format(ts, "%Y-%m-%d %H:%M %Z %:z", "America/Los_Angeles"))
println(date_in_zone(ts, "Asia/Kolkata").iso8601)
println(date_from_components({year: 2026, month: 11, day: 1, hour: 1, minute: 30}, "America/New_York"))
println(try { date_from_components({year: 2026, month: 3, day: 8, hour: 2, minute: 30}, "America/New_York") })
println(try { date_to_zone(ts, "america/new_york") })
println([date_add(ts, 1500ms), date_diff(ts, ts - 90), weekday_name(ts, "Asia/Tokyo"), month_name(0)])
println(date_now().iso8601 + " " + date_now_iso())
println(try { date_format("x") })
`),
    [
      "2026-04-25 10:32 PDT -07:00",
      "2026-04-25T23:02:09+05:30",
      "1793511000",
      "Result.Err(date_from_components: local time does not exist in that timezone)",
      "Result.Err(date_to_zone: unknown timezone 'america/new_york')",
      "[1777138330.5, 90s, Sunday, January]",
      "2026-04-25T17:32:09.481Z 2026-04-25T17:32:09.481Z",
      "Result.Err(date_format: expected timestamp number or date dict, got string)",
    ],
  );
});

test("duration constructors and conversions", async () => {
  assert.deepEqual(
    await lines(`
println([duration_ms(5), duration_seconds(1.5), duration_minutes(2), duration_hours(1), duration_days(14)])
println([duration_to_seconds(duration_ms(-1999)), duration_to_human(duration_ms(90061001)), duration_to_human(0ms)])
println(try { duration_hours("x") })
`),
    [
      "[5ms, 1500ms, 2m, 1h, 336h]",
      "[-1, 1d 1h 1m, 0s]",
      "Result.Err(duration_hours: expected number, got string)",
    ],
  );
});

test("log lines respect the level and carry the active span", async () => {
  const out = await lines(`
log_debug("hidden?", {n: 1})
log_set_level("info")
log_debug("hidden")
let span = trace_start("work")
log_info("visible", {f: 1.0, s: "q\\"", l: [1, 2], z: nil})
log_set_level("warn")
trace_end(span)
log_json("k", 2.5)
println(trace_id())
println(try { log_set_level("loud") })
`);
  const ids = /"trace_id":"[0-9a-f]{8}","span_id":"[0-9a-f]{8}"/;
  assert.match(out[1]!, ids);
  assert.deepEqual(
    out.map((l) => l.replace(ids, '"trace_id":"TRACE","span_id":"SPAN"')),
    [
      '{"ts":"2026-04-25T17:32:09.481Z","level":"debug","msg":"hidden?","n":1}',
      `{"ts":"2026-04-25T17:32:09.481Z","level":"info","msg":"visible","trace_id":"TRACE","span_id":"SPAN","f":1,"l":"[1, 2]","s":"q\\"","z":null}`,
      '{"ts":"2026-04-25T17:32:09.481Z","key":"k","value":2.5}',
      "nil",
      "Result.Err(log_set_level: invalid level 'loud'. Expected debug, info, warn, or error)",
    ],
  );
});

test("trace spans nest under one trace id and log their end", async () => {
  const out = await lines(`
println(trace_id())
let outer = trace_start("outer")
let inner = trace_start("inner")
println(inner.trace_id == outer.trace_id && inner.span_id != outer.span_id)
trace_end(inner)
println(trace_id() == outer.trace_id)
trace_end(outer)
println([trace_id(), trace_spans(), trace_summary()])
enable_tracing()
println(try { trace_end("nope") })
`);
  assert.equal(out[0], "nil");
  assert.equal(out[1], "true");
  assert.match(
    out[2]!,
    /"level":"info","msg":"span_end","trace_id":"(\w{8})","span_id":"\w{8}","duration_ms":0,"name":"inner","span_id":"\w{8}","trace_id":"\1"/,
  );
  assert.equal(out[3], "true");
  assert.match(out[4]!, /"msg":"span_end","duration_ms":0,"name":"outer"/);
  assert.deepEqual(out.slice(5), [
    "[nil, [], No spans recorded.]",
    "Result.Err(trace_end: argument must be a span dict from trace_start)",
  ]);
});

test("timers print their elapsed time", async () => {
  assert.deepEqual(
    await lines(`
let t = timer_start("load")
println([t.name, t.start_ms, timer_start().name])
println(timer_end(t))
`),
    ["[load, 1777138329481, default]", "[timer] load: 0ms", "0"],
  );
});
