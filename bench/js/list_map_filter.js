// Twin of workloads/list_map_filter.harn.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  const numbers = Array.from({ length: 1000 }, (_, i) => i);
  let round = 0;
  let acc = 0;
  while (round < 200) {
    const even = numbers.filter((x) => x % 2 === 0);
    const twice = even.map((x) => x * 2);
    acc = acc + twice.length;
    round = round + 1;
  }
  return acc;
}
