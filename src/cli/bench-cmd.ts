// `harn bench FILE [--iterations N]`: placeholder until the bench runner lands.

import { usageError } from "./usage.ts";

export async function benchCommand(args: string[]): Promise<void> {
  usageError(`bench: not implemented yet (${args.join(" ")})`);
}
