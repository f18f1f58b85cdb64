// The `host_mock` registry: canned results or errors for `host_call`
// operations, matched by capability, operation and (optionally) a subset
// of the params; the most recently registered match wins. Calls that hit a
// mock are logged for `host_mock_calls`. Scopes (`host_mock_push_scope` /
// `_pop_scope`) let `std/testing` run a body with its own mocks and log.

import { valuesEqual } from "../../vm/compare.ts";
import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { fail, textAt } from "./options.ts";

interface HostMock {
  readonly capability: string;
  readonly operation: string;
  readonly params: Dict | undefined;
  readonly result: Value;
  readonly error: string | undefined;
}

interface HostCall {
  readonly capability: string;
  readonly operation: string;
  readonly params: Dict;
}

/**
 * `host_mock(cap, op, result, params?)`, or `host_mock(cap, op, {result?,
 * error?, params?})` when the third argument is a config dict.
 */
function parseMock(args: readonly Value[]): HostMock {
  const capability = textAt(args, 0);
  const operation = textAt(args, 1);
  if (capability === "" || operation === "") throw fail("host_mock: capability and operation are required");
  const third = args[2] ?? null;
  const isConfig = third instanceof Dict && ["result", "params", "error"].some((k) => third.map.has(k));
  if (!isConfig) {
    return {
      capability,
      operation,
      params: args[3] instanceof Dict ? args[3] : undefined,
      result: third,
      error: undefined,
    };
  }
  const params = third.map.get("params");
  const error = third.map.get("error");
  const errorText = error === undefined || error === null ? "" : display(error);
  return {
    capability,
    operation,
    params: params instanceof Dict ? params : undefined,
    result: third.map.get("result") ?? null,
    error: errorText === "" ? undefined : errorText,
  };
}

function paramsMatch(expected: Dict | undefined, actual: Dict): boolean {
  if (expected === undefined) return true;
  return [...expected.map].every(([k, v]) => actual.map.has(k) && valuesEqual(actual.get(k), v));
}

export class HostMockRegistry {
  private mocks: HostMock[] = [];
  private calls: HostCall[] = [];
  private readonly scopes: [HostMock[], HostCall[]][] = [];

  add(args: readonly Value[]): void {
    this.mocks.push(parseMock(args));
  }

  clear(): void {
    this.mocks = [];
    this.calls = [];
    this.scopes.length = 0;
  }

  pushScope(): void {
    this.scopes.push([this.mocks, this.calls]);
    this.mocks = [];
    this.calls = [];
  }

  popScope(): void {
    const saved = this.scopes.pop();
    if (saved === undefined) throw fail("host_mock_pop_scope: no scope to pop");
    [this.mocks, this.calls] = saved;
  }

  /** (capability, operation) pairs that have mocks, for the capability manifest. */
  mocked(): [string, string][] {
    return this.mocks.map((m) => [m.capability, m.operation]);
  }

  /** The mocked outcome of a call (recording it), or undefined when no mock matches. */
  dispatch(capability: string, operation: string, params: Dict): { value: Value } | undefined {
    for (let i = this.mocks.length - 1; i >= 0; i--) {
      const m = this.mocks[i]!;
      if (m.capability !== capability || m.operation !== operation || !paramsMatch(m.params, params))
        continue;
      this.calls.push({ capability, operation, params });
      if (m.error !== undefined) throw thrown(m.error);
      return { value: m.result };
    }
    return undefined;
  }

  log(): Value[] {
    return this.calls.map((c) =>
      Dict.of({ capability: c.capability, operation: c.operation, params: c.params }),
    );
  }
}
