// Twin of concurrency/parallel_each_sleep.harn: 10 000 promises, each
// waiting on a 10 ms timer, joined in order.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
async function run() {
  const ids = Array.from({ length: 10000 }, (_, i) => i);
  const back = await Promise.all(
    ids.map(async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return id;
    }),
  );
  let acc = 0;
  for (const v of back) acc = acc + v;
  return acc;
}
