// Twin of workloads/string_interpolation_loop.harn (ASCII only, so
// `.length` counts the same characters as Harn's `len`).
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  let n = 0;
  let s = "x";
  let acc = 0;
  while (n < 5000) {
    s = `${s}${n % 10}`;
    if (s.length > 64) {
      s = "x";
    }
    acc = acc + s.length;
    n = n + 1;
  }
  return acc;
}
