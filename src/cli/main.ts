// The `harn` command line. One file per subcommand; this file only
// dispatches. Unknown commands and missing files are one-line errors with
// exit code 2.

import { argv, setExitCode, stderr, stdout } from "../host/node-process.ts";
import { benchCommand } from "./bench-cmd.ts";
import { checkCommand } from "./check.ts";
import { parseCommand } from "./parse-cmd.ts";
import { runCommand } from "./run.ts";
import { testCommand } from "./test-cmd.ts";
import { HELP, usageError, VERSION } from "./usage.ts";

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
    case "--help":
    case "-h":
    case "help":
      stdout.write(HELP);
      stdout.flush();
      return;
    case "--version":
    case "-V":
      stdout.write(`harn ${VERSION}\n`);
      stdout.flush();
      return;
    case "run":
      return runCommand(rest);
    case "dis":
      return runCommand(["--dis", ...rest]);
    case "parse":
      return parseCommand(rest);
    case "check":
      return checkCommand(rest);
    case "test":
      return testCommand(rest);
    case "bench":
      return benchCommand(rest);
    default:
      usageError(`unknown command '${command}' (see harn --help)`);
  }
}

// Not a top-level await: the CLI bundle is CommonJS so bin/harn.mjs can load
// it with a V8 code cache (see docs/decisions/0001-bundled-cli.md).
main(argv()).catch((e: unknown) => {
  stderr.write(`harn: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  stderr.flush();
  setExitCode(70);
});
