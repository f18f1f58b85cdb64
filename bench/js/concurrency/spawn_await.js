// Twin of concurrency/spawn_await.harn: start 100 000 trivial async tasks,
// then await each one in order.
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
async function run() {
  const ids = Array.from({ length: 100000 }, (_, i) => i);
  const handles = ids.map((k) => (async () => k + 1)());
  let acc = 0;
  for (const h of handles) acc = acc + (await h);
  return acc;
}
