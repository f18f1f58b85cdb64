// The state behind `llm_mock`: a queue of scripted responses, the log of
// calls the mock provider received, the simulated prompt cache, and saved
// scopes for `std/testing`'s with_llm_mocks. Unpatterned mocks are consumed
// first-in first-out; patterned ones match a glob against the request text
// and stay until cleared unless `consume_match` is set.

import type { ErrorCategory } from "../../vm/errors.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import { starGlobMatch } from "../../runtime/star-glob.ts";

export interface MockError {
  readonly category: ErrorCategory;
  readonly message: string;
  readonly retryAfterMs: number | null;
}

/** One scripted response (or failure) as `llm_mock({...})` described it. */
export interface MockSpec {
  readonly text: string;
  readonly toolCalls: readonly JsonValue[];
  /** Glob over the request text; null = next in line. */
  readonly match: string | null;
  readonly consumeMatch: boolean;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWriteTokens: number | null;
  readonly thinking: string | null;
  readonly thinkingSummary: string | null;
  readonly stopReason: string | null;
  readonly model: string;
  readonly error: MockError | null;
}

/** What the mock provider saw, as `llm_mock_calls()` reports it. */
export interface MockCallRecord {
  readonly messages: readonly JsonObject[];
  readonly system: string | null;
  readonly tools: readonly JsonObject[] | null;
  readonly thinking: JsonObject;
}

interface SavedScope {
  readonly queue: MockSpec[];
  readonly calls: MockCallRecord[];
  readonly cache: Set<string>;
}

/**
 * `*` matches any run of characters; the pieces between stars must appear
 * in order, the first anchored at the start and the last at the end.
 */
export function mockGlobMatch(pattern: string, text: string): boolean {
  return starGlobMatch(pattern, text);
}

export class MockRegistry {
  private queue: MockSpec[] = [];
  private calls: MockCallRecord[] = [];
  private cache = new Set<string>();
  private readonly scopes: SavedScope[] = [];

  push(spec: MockSpec): void {
    this.queue.push(spec);
  }

  /** Scripted responses are waiting: every provider is routed to the mock. */
  get active(): boolean {
    return this.queue.length > 0;
  }

  record(call: MockCallRecord): void {
    this.calls.push(call);
  }

  recordedCalls(): readonly MockCallRecord[] {
    return this.calls;
  }

  /** The response scripted for a request whose text is `matchText`, if any. */
  take(matchText: string): MockSpec | undefined {
    const next = this.queue.findIndex((m) => m.match === null);
    if (next >= 0) return this.queue.splice(next, 1)[0];
    const hit = this.queue.findIndex((m) => m.match !== null && mockGlobMatch(m.match, matchText));
    if (hit < 0) return undefined;
    const spec = this.queue[hit]!;
    if (spec.consumeMatch) this.queue.splice(hit, 1);
    return spec;
  }

  /** True the first time `key` is seen: the simulated prompt cache was written, not read. */
  cacheWrite(key: string): boolean {
    if (this.cache.has(key)) return false;
    this.cache.add(key);
    return true;
  }

  /** Forgets scripted responses, recorded calls, the prompt cache and saved scopes. */
  clear(): void {
    this.queue = [];
    this.calls = [];
    this.cache = new Set();
    this.scopes.length = 0;
  }

  /** Saves the current state and starts an empty one (with_llm_mocks). */
  pushScope(): void {
    this.scopes.push({ queue: this.queue, calls: this.calls, cache: this.cache });
    this.queue = [];
    this.calls = [];
    this.cache = new Set();
  }

  /** Restores the last saved state; false when none was saved. */
  popScope(): boolean {
    const saved = this.scopes.pop();
    if (!saved) return false;
    ({ queue: this.queue, calls: this.calls, cache: this.cache } = saved);
    return true;
  }
}
