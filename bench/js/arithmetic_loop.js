// Twin of workloads/arithmetic_loop.harn. A script defining run(); the
// harness calls it (Node) or evaluates `run()` after it (QuickJS).
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  let n = 0;
  let acc = 0;
  while (n < 200000) {
    acc = acc + (n + 3) * 2 - 1;
    n = n + 1;
  }
  return acc;
}
