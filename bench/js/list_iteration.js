// Twin of workloads/list_iteration.harn (a lazy range becomes a counted loop).
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  let acc = 0;
  for (let x = 0; x < 100000; x++) {
    acc = acc + x;
  }
  return acc;
}
