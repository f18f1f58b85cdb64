// The Postgres mock pool (`pg_mock_pool(fixtures)`) and the query
// builtins as far as they apply to it: `pg_query`, `pg_query_one`,
// `pg_execute` and `pg_mock_calls`. A fixture matches on the SQL text
// (surrounding whitespace ignored) and, when it lists `params`, on their
// JSON form; every query is logged, matched or not. Real connections
// (`pg_pool`, `pg_connect`, `pg_transaction`) need a database client this
// build does not ship, and say so.

import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { stringifyJson } from "../data/json-writer.ts";
import { type HandleCounter, intOption } from "./options.ts";

const MOCK_KIND = "pg_mock_pool";

interface Fixture {
  readonly sql: string;
  /** JSON text of the expected params, when the fixture constrains them. */
  readonly params?: string;
  readonly rows: readonly Value[];
  readonly rowsAffected: number;
  readonly error?: string;
}

interface MockPool {
  readonly fixtures: readonly Fixture[];
  readonly calls: Value[];
}

function parseFixture(v: Value): Fixture {
  if (!(v instanceof Dict)) throw runtimeError("pg_mock_pool: each fixture must be a dict");
  const sql = v.map.has("sql") ? display(v.get("sql")) : "";
  if (sql.trim() === "") throw runtimeError("pg_mock_pool: fixture.sql is required");
  const rows = v.map.get("rows") ?? null;
  if (rows !== null && !Array.isArray(rows)) throw runtimeError("pg_mock_pool: fixture.rows must be a list");
  const error = v.map.has("error") ? display(v.get("error")) : "";
  return {
    sql,
    ...(v.map.has("params") && { params: stringifyJson(v.get("params")) }),
    rows: rows ?? [],
    rowsAffected: Math.max(intOption(v, "rows_affected") ?? (rows ?? []).length, 0),
    ...(error !== "" && { error }),
  };
}

function handleKind(v: Value | undefined): string | undefined {
  return v instanceof Dict && v.map.has("_type") ? display(v.get("_type")) : undefined;
}

function requiredText(args: readonly Value[], i: number, builtin: string, label: string): string {
  const v = args[i];
  const text = v === undefined || v === null ? "" : display(v);
  if (text.trim() === "") throw runtimeError(`${builtin}: ${label} is required`);
  return text;
}

function paramsArg(v: Value | undefined, builtin: string): Value[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  throw runtimeError(`${builtin}: params must be a list when provided`);
}

export function registerPostgresMock(vm: Vm, handles: HandleCounter): void {
  const pools = new Map<string, MockPool>();

  const mockId = (v: Value | undefined, builtin: string): string => {
    if (!(v instanceof Dict) || handleKind(v) !== MOCK_KIND)
      throw runtimeError(`${builtin}: expected ${MOCK_KIND} handle`);
    const id = v.map.has("id") ? display(v.get("id")) : "";
    if (id === "") throw runtimeError(`${builtin}: handle is missing id`);
    return id;
  };

  /** Logs the query and returns the matching fixture. */
  const run = (args: Value[], builtin: string, execute: boolean): Fixture => {
    const target = args[0];
    if (target === undefined) throw runtimeError(`${builtin}: pool or transaction handle is required`);
    const kind = handleKind(target);
    if (kind !== MOCK_KIND) {
      throw runtimeError(
        `${builtin}: real Postgres connections are not supported in this build (got a ${kind ?? "non-handle"} value)`,
      );
    }
    const sql = requiredText(args, 1, builtin, "sql");
    const params = paramsArg(args[2], builtin);
    const id = mockId(target, "pg_mock");
    const pool = pools.get(id);
    if (pool === undefined) throw runtimeError(`pg_mock: unknown mock pool \`${id}\``);
    pool.calls.push(Dict.of({ sql, params, execute }));
    const paramsJson = stringifyJson(params);
    const fixture = pool.fixtures.find(
      (f) => f.sql.trim() === sql.trim() && (f.params === undefined || f.params === paramsJson),
    );
    if (fixture === undefined) throw runtimeError(`pg_mock: no fixture matched \`${sql}\``);
    if (fixture.error !== undefined) throw runtimeError(`pg_mock: ${fixture.error}`);
    return fixture;
  };

  vm.registerBuiltin("pg_mock_pool", (args) => {
    const raw = args[0] ?? null;
    let fixtures: Fixture[];
    if (raw === null) fixtures = [];
    else if (Array.isArray(raw)) fixtures = raw.map(parseFixture);
    else if (raw instanceof Dict) fixtures = [parseFixture(raw)];
    else throw runtimeError("pg_mock_pool: fixtures must be a list of dicts");
    const id = handles.make("pgmock");
    pools.set(id, { fixtures, calls: [] });
    return Dict.of({ _type: MOCK_KIND, id });
  });
  vm.registerBuiltin("pg_mock_calls", (args) => [
    ...(pools.get(mockId(args[0], "pg_mock_calls"))?.calls ?? []),
  ]);
  vm.registerBuiltin("pg_query", (args) => [...run(args, "pg_query", false).rows]);
  vm.registerBuiltin("pg_query_one", (args) => run(args, "pg_query_one", false).rows[0] ?? null);
  vm.registerBuiltin("pg_execute", (args) =>
    Dict.of({ rows_affected: run(args, "pg_execute", true).rowsAffected }),
  );
  for (const name of ["pg_pool", "pg_connect", "pg_transaction", "pg_close"]) {
    vm.registerBuiltin(name, () => {
      throw runtimeError(
        `${name}: real Postgres connections are not supported in this build; use pg_mock_pool`,
      );
    });
  }
}
