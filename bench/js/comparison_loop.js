// Twin of workloads/comparison_loop.harn.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  let n = 0;
  let count = 0;
  while (n < 200000) {
    if (n >= 0 && n <= 100000) {
      count = count + 1;
    }
    if (n === 150000) {
      count = count + 1;
    }
    n = n + 1;
  }
  return count;
}
