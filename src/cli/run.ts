// `harn run [--llm-mock FILE] FILE [args...]` (and `--dis` to print the
// bytecode instead); `--llm-mock` replays recorded LLM responses in order.
// Output streams to stdout; an uncaught error prints to stderr and exits 1.
// A pipeline's int result becomes the exit code, `Err(..)` exits 1.

import { disassemble } from "../bytecode/disassemble.ts";
import { compileSource, runSource } from "../engine.ts";
import { fileExists, readText } from "../host/node-fs.ts";
import { keepAlive, setExitCode, stderr, stdout } from "../host/node-process.ts";
import { queueLlmMockReplay } from "../stdlib/llm/index.ts";
import { display } from "../vm/display.ts";
import { EnumValue, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { renderDiagnostics, renderRuntimeError } from "./render.ts";
import { usageError } from "./usage.ts";

function exitCodeFor(value: Value): number {
  if (typeof value === "number") return Math.max(0, Math.min(255, value));
  if (value instanceof EnumValue && value.enumName === "Result" && value.variant === "Err") return 1;
  return 0;
}

export function readSourceOrFail(file: string | undefined, command: string): string | undefined {
  if (file === undefined) {
    usageError(`${command}: missing FILE argument`);
    return undefined;
  }
  if (!fileExists(file)) {
    usageError(`${command}: file not found: ${file}`);
    return undefined;
  }
  return readText(file);
}

export async function runCommand(args: string[]): Promise<void> {
  const dis = args[0] === "--dis";
  let rest = dis ? args.slice(1) : args;
  let replay: { file: string; text: string } | undefined;
  if (rest[0] === "--llm-mock") {
    const mockFile = rest[1];
    if (mockFile === undefined || !fileExists(mockFile)) {
      usageError(`--llm-mock needs an existing JSONL file${mockFile === undefined ? "" : `: ${mockFile}`}`);
      return;
    }
    replay = { file: mockFile, text: readText(mockFile) };
    rest = rest.slice(2);
  }
  const file = rest[0];
  const source = readSourceOrFail(file, "run");
  if (source === undefined || file === undefined) return;
  if (dis) {
    const compiled = compileSource(source, file);
    if (!compiled.module) {
      stderr.write(renderDiagnostics(compiled.diagnostics, file, source));
      setExitCode(1);
    } else stdout.write(`${disassemble(compiled.module.main)}\n`);
    stdout.flush();
    stderr.flush();
    return;
  }
  const release = keepAlive();
  const outcome = await runSource(source, file, {
    output: stdout.write,
    errorOutput: stderr.write,
    argv: rest.slice(1).filter((a) => a !== "--"),
    ...(replay !== undefined && {
      prepare: (vm: Vm) => queueLlmMockReplay(vm, replay.text, replay.file),
    }),
  });
  release();
  stdout.flush();
  if (outcome.kind === "diagnostics") {
    stderr.write(renderDiagnostics(outcome.diagnostics, file, source));
    setExitCode(1);
  } else if (outcome.kind === "error") {
    stderr.write(
      renderRuntimeError(outcome.error, file, (f) =>
        f === file ? source : fileExists(f) ? readText(f) : undefined,
      ),
    );
    setExitCode(1);
  } else {
    const code = exitCodeFor(outcome.value);
    if (code !== 0 && outcome.value instanceof EnumValue)
      stderr.write(`${display(outcome.value.fields[0] ?? null)}\n`);
    setExitCode(code);
  }
  stderr.flush();
}
