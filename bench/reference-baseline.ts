// Published per-workload means of the reference implementation (Rust Harn),
// copied from its perf/vm/BASELINE.md column `mean_avg_ms`: the average of
// three passes of `harn bench --iterations 20`, recorded on an Apple M5 Pro
// (macOS, Harn 0.7.26 release build). Another machine, another build: use
// the ratio against these numbers for orientation only. The published table
// has no row for comparison_loop.

/** Milliseconds per run, by workload name; `null` where none was published. */
export const REFERENCE_MEAN_MS: Readonly<Record<string, number | null>> = {
  arithmetic_loop: 89.94,
  comparison_loop: null,
  dict_property_read: 86.11,
  function_call_loop: 111.77,
  list_iteration: 24.17,
  list_map_filter: 273.22,
  local_variable_lookup: 184.8,
  method_call_dispatch: 55.34,
  recursive_countdown: 23.3,
  string_interpolation_loop: 7.11,
  struct_field_read: 134.46,
};

export const REFERENCE_MACHINE = "Apple M5 Pro, macOS (Darwin 25.4.0 arm64), rustc 1.95.0, Harn 0.7.26";
