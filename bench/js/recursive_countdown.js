// Twin of workloads/recursive_countdown.harn.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  function down(k, steps) {
    if (k <= 0) {
      return steps;
    }
    return down(k - 1, steps + 1);
  }
  let round = 0;
  let acc = 0;
  while (round < 500) {
    acc = acc + down(60, 0);
    round = round + 1;
  }
  return acc;
}
