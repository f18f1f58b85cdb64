// `progress(phase, message, ...)` (spec: "progress"): a status line in
// the program output — `[phase] message`, with `(N%)` for one number,
// `(current/total)` for two, or an options dict selecting a spinner frame
// (`{mode: "spinner", step}`) or a bar (`{mode: "bar", current, total,
// width}`).

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

const SPINNER = ["|", "/", "-", "\\"];

const int = (v: Value | undefined): number | undefined => (typeof v === "number" ? v : undefined);

function bar(current: number, total: number, width: number): string {
  if (total <= 0) return `[${"-".repeat(width)}]`;
  const clamped = Math.min(Math.max(current, 0), total);
  const filled = Math.min(width, Math.round((clamped / total) * width));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

export function progressLine(args: readonly Value[]): string {
  const phase = args[0] === undefined ? "" : display(args[0]);
  const message = args[1] === undefined ? "" : display(args[1]);
  const options = args[2];
  if (options instanceof Dict) {
    const mode = options.get("mode");
    if (mode === "spinner") {
      const step = int(options.get("step")) ?? int(options.get("current")) ?? 0;
      return `[${phase}] ${SPINNER[((step % 4) + 4) % 4]} ${message}\n`;
    }
    if (mode === "bar") {
      const current = int(options.get("current")) ?? 0;
      const total = int(options.get("total")) ?? 0;
      const width = Math.min(40, Math.max(3, int(options.get("width")) ?? 10));
      return `[${phase}] ${bar(current, total, width)} ${message} (${current}/${total})\n`;
    }
  }
  const done = int(options);
  const total = int(args[3]);
  if (done !== undefined && total !== undefined) return `[${phase}] ${message} (${done}/${total})\n`;
  if (done !== undefined) return `[${phase}] ${message} (${done}%)\n`;
  return `[${phase}] ${message}\n`;
}

export function registerProgress(vm: Vm): void {
  vm.registerBuiltin("progress", (args) => {
    vm.write(progressLine(args));
    return null;
  });
}
