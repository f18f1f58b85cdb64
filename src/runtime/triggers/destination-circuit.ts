// Per-destination circuit breakers for dispatch. Five consecutive
// retryable failures to one destination (a handler) open its circuit for
// a minute: dispatches to it fail fast into the DLQ instead of piling up
// retries. After the minute one probe is let through; its success closes
// the circuit, its failure reopens it.

export const CIRCUIT_FAILURE_THRESHOLD = 5;
export const CIRCUIT_OPEN_MS = 60_000;

interface CircuitState {
  failures: number;
  openedAtMs: number | null;
}

export type CircuitProbe =
  | { readonly allow: true; readonly halfOpen: boolean }
  | { readonly allow: false; readonly retryAfterMs: number };

export class DestinationCircuits {
  private readonly states = new Map<string, CircuitState>();

  constructor(private readonly nowMs: () => number) {}

  check(destination: string): CircuitProbe {
    const s = this.states.get(destination);
    if (!s || s.openedAtMs === null) return { allow: true, halfOpen: false };
    const waited = this.nowMs() - s.openedAtMs;
    if (waited >= CIRCUIT_OPEN_MS) return { allow: true, halfOpen: true };
    return { allow: false, retryAfterMs: CIRCUIT_OPEN_MS - waited };
  }

  /** Counts a failure; true when this failure opened the circuit. */
  recordFailure(destination: string): boolean {
    const s = this.states.get(destination) ?? { failures: 0, openedAtMs: null };
    this.states.set(destination, s);
    s.failures++;
    if (s.failures >= CIRCUIT_FAILURE_THRESHOLD) {
      s.openedAtMs = this.nowMs();
      s.failures = 0;
      return true;
    }
    return false;
  }

  recordSuccess(destination: string): void {
    this.states.delete(destination);
  }
}
