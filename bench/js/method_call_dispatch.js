// Twin of workloads/method_call_dispatch.harn (`contains` becomes `includes`).
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  const odds = [1, 3, 5, 7, 9, 11, 13, 15];
  let n = 0;
  let found = 0;
  while (n < 100000) {
    if (odds.includes(n % 16)) {
      found = found + 1;
    }
    n = n + 1;
  }
  return found;
}
