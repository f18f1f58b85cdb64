// Twin of workloads/local_variable_lookup.harn.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  const v1 = 1;
  const v2 = 2;
  const v3 = 3;
  const v4 = 4;
  const v5 = 5;
  const v6 = 6;
  const v7 = 7;
  const v8 = 8;
  let n = 0;
  let acc = 0;
  while (n < 200000) {
    acc = acc + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8;
    n = n + 1;
  }
  return acc;
}
