// Twin of workloads/function_call_loop.harn.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  function bump(x) {
    return x + 1;
  }
  let n = 0;
  let acc = 0;
  while (n < 100000) {
    acc = bump(acc);
    n = n + 1;
  }
  return acc;
}
