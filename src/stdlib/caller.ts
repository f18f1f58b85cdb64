// Where the calling Harn code lives: asset paths (templates, prompts)
// resolve against the calling file's directory, not the process cwd.

import type { BuiltinContext } from "../vm/values.ts";

/** The source file of the innermost Harn frame of the calling task. */
export function callerFile(ctx: BuiltinContext): string {
  const frames = ctx.task.fiber.frames;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    if (f.proto !== null) return f.proto.file;
  }
  return "";
}
