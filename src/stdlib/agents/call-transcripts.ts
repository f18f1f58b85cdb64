// Gives `llm_call` results their `transcript` (llm/agent/call-transcript.ts)
// by wrapping the builtin the LLM layer registered. The result dict itself
// is built in llm/result.ts; attaching the transcript there instead would
// make this wrapper unnecessary.

import { callTranscript } from "../../llm/agent/call-transcript.ts";
import { display } from "../../vm/display.ts";
import { type CancellableWait, cancellable } from "../../vm/scheduler.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

export function attachCallTranscripts(vm: Vm): void {
  const original = vm.builtins.get("llm_call");
  if (original === undefined) return;
  vm.registerBuiltin("llm_call", (args, ctx) => {
    const prompt = args[0] === undefined || args[0] === null ? "" : display(args[0]);
    const options = args[2] instanceof Dict ? args[2] : null;
    const attach = (v: Value): Value =>
      v instanceof Dict && !v.map.has("transcript")
        ? v.with("transcript", callTranscript(prompt, options, v))
        : v;
    const r = original.fn(args, ctx);
    if (!(r instanceof Promise)) return r;
    const pending = r as CancellableWait;
    return cancellable(r.then(attach), () => pending.cancel?.());
  });
}
