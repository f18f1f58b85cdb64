// The durable agent-state contract (DESIGN §7, seed 003): a backend stores
// text values under relative keys inside a session namespace below a root,
// remembers which writer last wrote each key, and reports two-writer
// conflicts to the caller, which applies the conflict policy. The
// filesystem backend (filesystem-backend.ts) is the embedded default; a
// database backend implements the same interface. Every method returns a
// Promise so a networked backend fits without changing callers.

/** Who is writing: the ids a conflict report names. Absent fields are undefined. */
export interface WriterIdentity {
  readonly writerId?: string;
  readonly stageId?: string;
  readonly sessionId?: string;
  readonly workerId?: string;
}

/** What happens when a key last written by one writer is written by another. */
export type ConflictPolicy = "ignore" | "warn" | "error";

/** Where a handle's keys live: `root` (absolute) and the session namespace below it. */
export interface BackendScope {
  readonly root: string;
  readonly namespace: string;
}

export interface WriteOptions {
  readonly writer: WriterIdentity;
  readonly conflictPolicy: ConflictPolicy;
}

/** A write by `current` to a key whose last writer was `previous`. */
export interface ConflictRecord {
  readonly key: string;
  readonly previous: WriterIdentity;
  readonly current: WriterIdentity;
}

export interface WriteOutcome {
  /** Set when the write replaced another writer's value (policy warn or ignore). */
  readonly conflict: ConflictRecord | null;
}

/**
 * A failure the caller should report verbatim (bad key, missing session,
 * refused conflicting write, I/O error); its message already names the
 * operation, e.g. `agent_state.write: ...`.
 */
export class StateError extends Error {}

export interface DurableStateBackend {
  /** Short name stored in handles (`filesystem`). */
  readonly name: string;
  /** Creates the session namespace when missing. */
  ensureScope(scope: BackendScope): Promise<void>;
  /** Fails with StateError when the session namespace does not exist. */
  resumeScope(scope: BackendScope): Promise<void>;
  /** The value of `key`, or null when absent. */
  read(scope: BackendScope, key: string): Promise<string | null>;
  /**
   * Stores `content` under `key`. With policy `error` a conflicting write
   * is refused before anything changes; otherwise the conflict is returned.
   */
  write(scope: BackendScope, key: string, content: string, options: WriteOptions): Promise<WriteOutcome>;
  /** Removes `key`; a missing key is not an error. */
  delete(scope: BackendScope, key: string): Promise<void>;
  /** Every key of the session, `/`-joined, in byte order. */
  list(scope: BackendScope): Promise<string[]>;
}
