// `harn test ...`: placeholder dispatch until the runners land.

import { usageError } from "./usage.ts";

export async function testCommand(args: string[]): Promise<void> {
  usageError(`test: not implemented yet (${args.join(" ")})`);
}
