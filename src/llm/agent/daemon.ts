// Daemon mode (spec: "agent_loop daemon mode"): instead of ending after a
// text-only turn, the loop goes idle, optionally compacts and snapshots
// its state to `persist_path`, and waits for a wake source — a timer
// (`wake_interval_ms`) or a change to one of `watch_paths` — before the
// next turn. Without any wake source an idle daemon ends with status
// `idle`. Snapshots are JSON files a later loop can `resume_path` from.
// `wake_on_input: true` (what daemon_spawn sets) marks a background
// daemon: input queued for its session (daemon_trigger,
// agent_inject_feedback) wakes it too, and its idle waits do not keep the
// process alive, since no task awaits it — it ends with the program.

import { display } from "../../vm/display.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import type { Options } from "../option-values.ts";
import { optValue } from "../option-values.ts";

export interface DaemonConfig {
  readonly persistPath: string | null;
  readonly resumePath: string | null;
  readonly wakeIntervalMs: number | null;
  readonly watchPaths: readonly string[];
  readonly consolidateOnIdle: boolean;
  readonly idleWatchdogAttempts: number | null;
  /** Queued session input wakes the idle daemon (added for daemon_spawn's triggers). */
  readonly wakeOnInput: boolean;
}

function text(o: Options, key: string): string | null {
  const v = optValue(o, key);
  const s = v === undefined ? "" : display(v);
  return s === "" ? null : s;
}

export function parseDaemonConfig(o: Options): DaemonConfig {
  const watch = optValue(o, "watch_paths");
  const watchPaths = Array.isArray(watch)
    ? watch.map((p) => display(p)).filter((p) => p !== "")
    : watch === undefined || display(watch) === ""
      ? []
      : [display(watch)];
  const wake = optValue(o, "wake_interval_ms");
  const attempts = optValue(o, "idle_watchdog_attempts");
  return {
    persistPath: text(o, "persist_path"),
    resumePath: text(o, "resume_path"),
    wakeIntervalMs: typeof wake === "number" && wake > 0 ? wake : null,
    watchPaths,
    consolidateOnIdle: optValue(o, "consolidate_on_idle") === true,
    idleWatchdogAttempts: typeof attempts === "number" && attempts >= 0 ? attempts : null,
    wakeOnInput: optValue(o, "wake_on_input") === true,
  };
}

export const effectivePersistPath = (c: DaemonConfig): string | null => c.persistPath ?? c.resumePath;

export const hasWakeSource = (c: DaemonConfig): boolean =>
  c.wakeIntervalMs !== null || c.watchPaths.length > 0 || c.wakeOnInput;

/** How long one idle wait lasts: the fixed interval, else the current backoff. */
export const idleWaitMs = (c: DaemonConfig, backoffMs: number): number =>
  c.wakeIntervalMs ?? Math.max(1, backoffMs);

/** The next backoff after an idle wait that found nothing: 100 → 500 → 1000 → 2000 ms. */
export function nextIdleBackoff(c: DaemonConfig, current: number): number {
  if (c.wakeIntervalMs !== null) return Math.max(1, c.wakeIntervalMs);
  if (current <= 100) return 500;
  if (current <= 500) return 1000;
  return 2000;
}

/** The persisted state of a daemon loop (field names as the reference writes them). */
export interface DaemonSnapshot {
  readonly daemon_state: string;
  readonly visible_messages: JsonObject[];
  readonly recorded_messages: JsonObject[];
  readonly transcript_summary: string | null;
  readonly transcript_events: JsonValue[];
  readonly total_text: string;
  readonly last_iteration_text: string;
  readonly all_tools_used: string[];
  readonly rejected_tools: string[];
  readonly deferred_user_messages: string[];
  readonly total_iterations: number;
  readonly idle_backoff_ms: number;
  readonly last_run_exit_code: number | null;
  readonly watch_state: Record<string, number>;
}

/** Files the daemon and worker snapshots go through (injected: llm/ has no filesystem). */
export interface AgentFiles {
  readText(path: string): string;
  /** Writes atomically enough for a snapshot: parent directories are created. */
  writeText(path: string, text: string): void;
  exists(path: string): boolean;
  /** Modification stamp (0 when missing), for watch paths. */
  stamp(path: string): number;
  now(): number;
}

export function persistSnapshot(files: AgentFiles, path: string, snapshot: DaemonSnapshot): string {
  const body = {
    _type: "daemon_snapshot",
    saved_at: new Date(files.now()).toISOString(),
    ...snapshot,
    daemon_state: snapshot.daemon_state === "" ? "active" : snapshot.daemon_state,
  };
  files.writeText(path, JSON.stringify(body, null, 2));
  return path;
}

export function loadSnapshot(files: AgentFiles, path: string): DaemonSnapshot {
  const parsed = JSON.parse(files.readText(path)) as Partial<DaemonSnapshot>;
  return {
    daemon_state: parsed.daemon_state || "active",
    visible_messages: parsed.visible_messages ?? [],
    recorded_messages: parsed.recorded_messages ?? [],
    transcript_summary: parsed.transcript_summary ?? null,
    transcript_events: parsed.transcript_events ?? [],
    total_text: parsed.total_text ?? "",
    last_iteration_text: parsed.last_iteration_text ?? "",
    all_tools_used: parsed.all_tools_used ?? [],
    rejected_tools: parsed.rejected_tools ?? [],
    deferred_user_messages: parsed.deferred_user_messages ?? [],
    total_iterations: parsed.total_iterations ?? 0,
    idle_backoff_ms: Math.max(1, parsed.idle_backoff_ms ?? 100),
    last_run_exit_code: parsed.last_run_exit_code ?? null,
    watch_state: parsed.watch_state ?? {},
  };
}

export function watchState(files: AgentFiles, paths: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of paths) out[p] = files.stamp(p);
  return out;
}

/** Paths whose stamp changed since `previous` (which is updated in place). */
export function changedWatchPaths(
  files: AgentFiles,
  paths: readonly string[],
  previous: Record<string, number>,
): string[] {
  const changed: string[] = [];
  for (const p of paths) {
    const now = files.stamp(p);
    const before = previous[p] ?? 0;
    if (before !== 0 && now !== 0 && now !== before) changed.push(p);
    previous[p] = now;
  }
  return changed;
}
