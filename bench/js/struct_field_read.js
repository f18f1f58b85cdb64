// Twin of workloads/struct_field_read.harn (a Harn struct becomes a class instance).
// biome-ignore lint/correctness/noUnusedVariables: the harness calls run()
function run() {
  class Vec3 {
    constructor(x, y, z) {
      this.x = x;
      this.y = y;
      this.z = z;
    }
  }
  const v = new Vec3(3, 4, 5);
  let n = 0;
  let acc = 0;
  while (n < 150000) {
    acc = acc + v.x + v.y + v.z;
    n = n + 1;
  }
  return acc;
}
