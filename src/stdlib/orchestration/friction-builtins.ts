// Friction and evaluation-metric builtins: `friction_event` (normalise),
// `friction_record` (keep in memory, or append to a JSON-lines log given
// by `log_path` / `$HARN_FRICTION_LOG`), `friction_events`,
// `friction_clear`, `context_pack_manifest`, `context_pack_manifest_parse`
// (JSON or TOML text), `context_pack_suggestions`, `friction_eval_fixture`,
// and `eval_metric` / `eval_metrics`. Events and metrics belong to the VM.

import { canonicalJson, toJsonData } from "../../runtime/events/json-data.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { parentPath } from "../../state/state-paths.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { CallRequest, Dict, NativeCall, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import type { SystemHost } from "../system/host.ts";
import { readEnv, resolveFsPath } from "../system/locations.ts";
import type { RecordEnv } from "./artifacts.ts";
import { checkSuggestions, contextPackSuggestions, normalizeContextPack } from "./context-packs.ts";
import { frictionEventsOf, normalizeFrictionEvent } from "./friction.ts";
import { Fields } from "./record-fields.ts";

const encoder = new TextEncoder();

function suggestionOptions(v: Value | undefined, builtin: string): { min: number; owner: string | null } {
  if (v === undefined || v === null) return { min: 0, owner: null };
  const f = Fields.of(v, `${builtin}: options`);
  return { min: f.int("min_occurrences"), owner: f.optStr("owner") };
}

export function registerFrictionBuiltins(vm: Vm, env: RecordEnv, host: SystemHost, fs: DurableFs): void {
  const events: Dict[] = [];
  const metrics: Dict[] = [];
  const b = vm.registerBuiltin.bind(vm);
  const need = (args: readonly Value[], builtin: string, what: string): Value => {
    if (args[0] === undefined) throw runtimeError(`${builtin}: missing ${what}`);
    return args[0];
  };

  b("friction_event", (args) => normalizeFrictionEvent(need(args, "friction_event", "payload"), env));

  b("friction_record", (args, ctx) => {
    const event = normalizeFrictionEvent(need(args, "friction_record", "payload"), env);
    const options = args[1] instanceof Dict ? args[1] : new Dict();
    if (options.get("enabled") === false) return Dict.of({ recorded: false, sink: "disabled", event });
    events.push(event);
    const given = options.get("log_path") ?? options.get("path");
    const path = typeof given === "string" ? given : (readEnv(ctx, host, "HARN_FRICTION_LOG") ?? null);
    if (path === null || path === "") return Dict.of({ recorded: true, sink: "memory", event });
    const file = resolveFsPath(ctx, host, path);
    try {
      fs.makeDirs(parentPath(file));
      fs.appendSynced(file, encoder.encode(`${canonicalJson(event)}\n`));
    } catch (e) {
      throw runtimeError(
        `friction_record: failed to append log: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return Dict.of({ recorded: true, sink: "jsonl", path, event });
  });

  b("friction_events", () => [...events]);
  b("friction_clear", () => {
    events.length = 0;
    return null;
  });

  b("context_pack_manifest", (args) =>
    normalizeContextPack(need(args, "context_pack_manifest", "payload"), env),
  );

  b("context_pack_manifest_parse", (args) => {
    const src = args[0] === undefined || args[0] === null ? "" : display(args[0]);
    if (src === "") throw runtimeError("context_pack_manifest_parse: missing source");
    if (src.trimStart().startsWith("{")) {
      let parsed: Value;
      try {
        parsed = parseJson(src);
      } catch (e) {
        throw runtimeError(
          `context_pack_manifest_parse: invalid JSON: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      return normalizeContextPack(parsed, env);
    }
    const toml = vm.builtins.get("toml_parse");
    if (toml === undefined) throw runtimeError("context_pack_manifest_parse: TOML support is not installed");
    return new NativeCall(
      (function* (): Generator<CallRequest, Value, Value> {
        const parsed: Value = yield new CallRequest(toml, [src]);
        return normalizeContextPack(parsed, env);
      })(),
    );
  });

  b("context_pack_suggestions", (args) => {
    const list = args[0] === undefined || args[0] === null ? [...events] : frictionEventsOf(args[0], env);
    const { min, owner } = suggestionOptions(args[1], "context_pack_suggestions");
    return contextPackSuggestions(list, min, owner, env);
  });

  b("friction_eval_fixture", (args) => {
    const fixture = need(args, "friction_eval_fixture", "fixture payload");
    const list = frictionEventsOf(fixture, env);
    const f = Fields.of(fixture instanceof Dict ? fixture : null, "friction_eval_fixture");
    const { min, owner } = suggestionOptions(f.raw("options"), "friction_eval_fixture");
    const suggestions = contextPackSuggestions(list, min, owner, env);
    const failures = checkSuggestions(suggestions, f.list("expected_suggestions"));
    return Dict.of({
      pass: failures.length === 0,
      failures,
      event_count: list.length,
      suggestion_count: suggestions.length,
      suggestions,
    });
  });

  b("eval_metric", (args) => {
    const name = args[0] === undefined || args[0] === null ? "" : display(args[0]);
    if (name === "") throw runtimeError("eval_metric: missing name");
    if (args[1] === undefined) throw runtimeError("eval_metric: missing value");
    const metadata = args[2] === undefined || args[2] === null ? null : toJsonData(args[2]);
    metrics.push(Dict.of({ name, value: toJsonData(args[1]), ...(metadata !== null && { metadata }) }));
    return null;
  });
  b("eval_metrics", () => [...metrics]);
}
