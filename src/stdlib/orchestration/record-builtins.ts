// Run-record and evaluation builtins: `run_record`, `run_record_save`,
// `run_record_load`, `run_record_fixture`, `run_record_eval`,
// `run_record_eval_suite`, `run_record_diff`, `eval_suite_manifest`,
// `eval_suite_run`, `eval_pack_manifest`, `eval_pack_run`, and
// `__eval_pack_decl`, which an `eval_pack` declaration compiles to. Saved
// runs are pretty JSON written crash-safely; relative paths resolve against
// the task's working directory, and a save without a path goes to
// `$HARN_RUN_DIR` or `.harn-runs/<run id>.json`.

import { v7 as uuidV7 } from "uuid";
import { atomicWrite } from "../../state/atomic-write.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { prettyJson } from "../../state/json-text.ts";
import { parentPath } from "../../state/state-paths.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import type { SystemHost } from "../system/host.ts";
import { readEnv, resolveFsPath } from "../system/locations.ts";
import { joinPath, resolveAgainst } from "../system/path-text.ts";
import type { RecordEnv } from "./artifacts.ts";
import { normalizePackManifest, runPack } from "./eval-packs.ts";
import { normalizeSuiteManifest, type RunFiles, runSuiteManifest } from "./eval-suites.ts";
import {
  caseReport,
  diffRuns,
  evaluateRun,
  normalizeRunRecord,
  replayFixture,
  withObservability,
  suiteReport,
} from "./run-records.ts";

const encoder = new TextEncoder();

function required(args: readonly Value[], i: number, builtin: string, what: string): Value {
  const v = args[i];
  if (v === undefined) throw runtimeError(`${builtin}: missing ${what}`);
  return v;
}

export function registerRecordBuiltins(vm: Vm, env: RecordEnv, host: SystemHost, fs: DurableFs): void {
  const b = vm.registerBuiltin.bind(vm);
  const normalize = (v: Value | undefined): Dict => normalizeRunRecord(v, env);

  function readJson(path: string, what: string): Value {
    let text: string | null;
    try {
      text = fs.readText(path);
    } catch (e) {
      throw runtimeError(`failed to read ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (text === null) throw runtimeError(`failed to read ${what}: ${path}: No such file or directory`);
    try {
      return parseJson(text);
    } catch (e) {
      throw runtimeError(`failed to parse ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function loadRun(path: string): Dict {
    const run = normalize(readJson(path, "run record"));
    // The observability summary is refreshed on load, as the reference does (sidecars may have changed).
    return withObservability(
      run.get("persisted_path") === null ? run.with("persisted_path", path) : run,
      env,
    );
  }

  function files(ctx: BuiltinContext): RunFiles {
    return {
      resolve: (base, p) =>
        base === null ? resolveFsPath(ctx, host, p) : resolveAgainst(resolveFsPath(ctx, host, base), p),
      loadRun,
      loadFixture: (path) => {
        const v = readJson(path, "replay fixture");
        if (!(v instanceof Dict))
          throw runtimeError(`failed to parse replay fixture: expected a JSON object`);
        return v;
      },
      normalizeRun: normalize,
    };
  }

  function fixtureFor(v: Value | undefined, run: Dict): Dict {
    if (v === undefined || v === null) return run.get("replay_fixture") as Dict;
    if (!(v instanceof Dict)) throw runtimeError("replay fixture must be a dict");
    return v;
  }

  b("run_record", (args) => normalize(required(args, 0, "run_record", "payload")));

  b("run_record_fixture", (args) =>
    replayFixture(normalize(required(args, 0, "run_record_fixture", "run")), env),
  );

  b("run_record_eval", (args) => {
    const run = normalize(required(args, 0, "run_record_eval", "run"));
    return evaluateRun(run, fixtureFor(args[1], run));
  });

  b("run_record_eval_suite", (args) => {
    const items = args[0];
    if (!Array.isArray(items)) throw runtimeError("run_record_eval_suite: missing list");
    return suiteReport(
      items.map((item) => {
        const wrapped = item instanceof Dict && item.map.has("run");
        const run = normalize(wrapped ? (item as Dict).get("run") : item);
        const fixture = fixtureFor(wrapped ? (item as Dict).get("fixture") : null, run);
        const path = item instanceof Dict ? item.get("path") : null;
        const sourcePath = path === null ? null : display(path) || null;
        return caseReport(run, evaluateRun(run, fixture), { sourcePath });
      }),
    );
  });

  b("run_record_diff", (args) =>
    diffRuns(
      normalize(required(args, 0, "run_record_diff", "left run")),
      normalize(required(args, 1, "run_record_diff", "right run")),
    ),
  );

  b("run_record_save", (args, ctx) => {
    let run = normalize(required(args, 0, "run_record_save", "run"));
    const given = args[1] === undefined || args[1] === null ? "" : display(args[1]);
    const runDir = readEnv(ctx, host, "HARN_RUN_DIR")?.trim() || ".harn-runs";
    const path = resolveFsPath(
      ctx,
      host,
      given !== "" ? given : joinPath(runDir, `${display(run.get("id"))}.json`),
    );
    run = withObservability(run.with("persisted_path", path), env);
    try {
      fs.makeDirs(parentPath(path));
      atomicWrite(fs, path, encoder.encode(prettyJson(run)), uuidV7());
    } catch (e) {
      throw runtimeError(`failed to persist run record: ${e instanceof Error ? e.message : String(e)}`);
    }
    return Dict.of({ path, run });
  });

  b("run_record_load", (args, ctx) => {
    const path = required(args, 0, "run_record_load", "path");
    return loadRun(resolveFsPath(ctx, host, display(path)));
  });

  b("eval_suite_manifest", (args) =>
    normalizeSuiteManifest(required(args, 0, "eval_suite_manifest", "manifest payload"), env),
  );
  b("eval_suite_run", (args, ctx) =>
    runSuiteManifest(
      normalizeSuiteManifest(required(args, 0, "eval_suite_run", "manifest payload"), env),
      files(ctx),
    ),
  );
  b("eval_pack_manifest", (args) =>
    normalizePackManifest(required(args, 0, "eval_pack_manifest", "manifest payload"), env),
  );
  b("eval_pack_run", (args, ctx) =>
    runPack(normalizePackManifest(required(args, 0, "eval_pack_run", "manifest payload"), env), files(ctx)),
  );

  // `eval_pack <name> { fields }`: the declared id unless the fields name one; version 1 by default.
  b("__eval_pack_decl", (args) => {
    const fields = args[1] instanceof Dict ? args[1] : new Dict();
    const withDefaults = fields.map.has("id") ? fields : fields.with("id", display(args[0] ?? ""));
    return normalizePackManifest(withDefaults, env);
  });
}
