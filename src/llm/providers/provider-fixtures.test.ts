// Runs the Harn programs in tests/fixtures/providers against a fake
// provider server on 127.0.0.1. Each `<name>.harn` comes with:
//   <name>.replies.json   the server's replies, in order (FakeReply objects)
//   <name>.expected       the program's exact stdout
//   <name>.requests.json  what the providers sent: method, the URL they
//                         meant to reach, the auth header and the JSON body
// and `// @env NAME=value` header lines, which are the program's whole
// environment (no real keys or settings from this process leak in). Every
// request is redirected to the fake server whatever host the catalog
// names, so the recorded URLs check base URLs and endpoints. The fixtures
// carry `// @skip` for the main fixture runner, which has no server.
// UPDATE_EXPECTED=1 rewrites .expected and .requests.json; review the diff.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type FakeLlmServer,
  type FakeReply,
  startFakeLlmServer,
} from "../../../tests/fixtures/providers/fake-llm-server.ts";
import { runSource, uncaughtMessage } from "../../engine.ts";
import { nodeStdlibHost } from "../../host/stdlib-host.ts";
import { registerHttpProviders } from "./register-providers.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixturesDir = path.resolve(here, "../../../tests/fixtures/providers");
const update = process.env.UPDATE_EXPECTED === "1";

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer();
});
after(() => server.close());

function envDirectives(source: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of source.split("\n")) {
    const m = /^\/\/\s*@(\w+)\s*(.*)$/.exec(line.trim());
    if (m === null) break;
    if (m[1] !== "env") continue;
    const eq = m[2]!.indexOf("=");
    env[m[2]!.slice(0, eq).trim()] = m[2]!.slice(eq + 1).trim();
  }
  return env;
}

/** The recorded exchange in the shape `.requests.json` holds. */
function recordedRequests(): unknown[] {
  return server.requests.map((r, i) => ({
    method: r.method,
    url: server.intendedUrls[i],
    auth: r.headers.authorization ?? r.headers["x-api-key"] ?? null,
    body: r.body,
  }));
}

function compareOrUpdate(file: string, actual: string, label: string): void {
  if (update) {
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `${path.basename(file)} is missing (run with UPDATE_EXPECTED=1 and review it)`);
  assert.equal(actual.trimEnd(), readFileSync(file, "utf8").trimEnd(), label);
}

/** Requests compare as JSON data, so reformatting the file (the formatter does) changes nothing. */
function compareRequests(file: string): void {
  const actual = recordedRequests();
  if (update) {
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  assert.ok(existsSync(file), `${path.basename(file)} is missing (run with UPDATE_EXPECTED=1 and review it)`);
  assert.deepEqual(actual, JSON.parse(readFileSync(file, "utf8")), "requests");
}

const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".harn"))
  .sort();

for (const name of fixtures) {
  test(name, async () => {
    const file = path.join(fixturesDir, name);
    const base = file.slice(0, -".harn".length);
    const source = readFileSync(file, "utf8");
    const vars = envDirectives(source);
    server.reset();
    server.reply(...(JSON.parse(readFileSync(`${base}.replies.json`, "utf8")) as FakeReply[]));
    const out: string[] = [];
    const outcome = await runSource(source, file, {
      output: (text) => out.push(text),
      errorOutput: () => {},
      host: { ...nodeStdlibHost, env: (n) => vars[n] },
      prepare: (vm) => registerHttpProviders(vm, server.redirectingTransport()),
      signal: AbortSignal.timeout(15_000),
    });
    if (outcome.kind === "diagnostics") assert.fail(outcome.diagnostics.map((d) => d.message).join("\n"));
    if (outcome.kind === "error") out.push(`error: ${uncaughtMessage(outcome.error)}\n`);
    compareOrUpdate(`${base}.expected`, out.join(""), "stdout");
    compareRequests(`${base}.requests.json`);
    assert.equal(server.pending, 0, "every scripted reply was used");
  });
}
