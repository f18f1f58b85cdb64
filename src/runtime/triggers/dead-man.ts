// The dead-man switch: a binding that should hear from its provider at
// least once per silent window (a nightly cron, a busy webhook) raises an
// alert when the window passes with no event. One alert per silence; the
// next observed event re-arms it.

export interface SilenceAlert {
  readonly bindingId: string;
  readonly atMs: number;
  readonly silentForMs: number;
  readonly message: string;
}

interface Watch {
  readonly windowMs: number;
  lastSeenMs: number;
  alerted: boolean;
}

export class DeadManSwitch {
  private readonly watches = new Map<string, Watch>();

  /** Starts expecting an event for `bindingId` at least every `windowMs`, counting from `sinceMs`. */
  watch(bindingId: string, windowMs: number, sinceMs: number): void {
    this.watches.set(bindingId, { windowMs, lastSeenMs: sinceMs, alerted: false });
  }

  observe(bindingId: string, atMs: number): void {
    const w = this.watches.get(bindingId);
    if (w) {
      w.lastSeenMs = atMs;
      w.alerted = false;
    }
  }

  /** Alerts for every binding silent for at least its window at `nowMs` (each silence once). */
  check(nowMs: number): SilenceAlert[] {
    const alerts: SilenceAlert[] = [];
    for (const [bindingId, w] of this.watches) {
      const silent = nowMs - w.lastSeenMs;
      if (w.alerted || silent < w.windowMs) continue;
      w.alerted = true;
      alerts.push({
        bindingId,
        atMs: nowMs,
        silentForMs: silent,
        message: `no events observed for ${bindingId} within the silent window`,
      });
    }
    return alerts;
  }
}
