// Twin of workloads/dict_property_read.harn (a Harn dict becomes an object literal).
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  const config = { warm: 7, unused: 2, inner: { amount: 3 } };
  let n = 0;
  let acc = 0;
  while (n < 150000) {
    acc = acc + config.warm + config.inner.amount;
    n = n + 1;
  }
  return acc;
}
