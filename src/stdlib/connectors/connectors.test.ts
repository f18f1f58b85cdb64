import assert from "node:assert/strict";
import { generateKeyPairSync, verify } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { compileSource, createVm, knownNamesOf, uncaughtMessage } from "../../engine.ts";

/** One local server playing GitHub, Linear and Slack, recording what it was sent. */
interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const seen: Seen[] = [];
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
let tokensIssued = 0;
/** Answer the next GitHub API call with 401 once (the client must refresh its token). */
let rejectNextToken = false;

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function validAppJwt(auth: string | undefined): boolean {
  const token = auth?.replace(/^Bearer /, "") ?? "";
  const [header, claims, signature] = token.split(".");
  if (header === undefined || claims === undefined || signature === undefined) return false;
  const ok = verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    publicKey,
    Buffer.from(signature, "base64url"),
  );
  return ok && JSON.parse(Buffer.from(claims, "base64url").toString()).iss === "42";
}

function github(req: IncomingMessage, res: ServerResponse, path: string): void {
  if (path === "/gh/app/installations/9/access_tokens") {
    if (!validAppJwt(req.headers.authorization)) return reply(res, 401, { message: "bad jwt" });
    tokensIssued++;
    return reply(res, 201, { token: `tok-${tokensIssued}`, expires_at: "2099-01-01T00:00:00Z" });
  }
  if (rejectNextToken) {
    rejectNextToken = false;
    return reply(res, 401, { message: "token expired" });
  }
  if (path === "/gh/repos/o/r/issues/5/comments")
    return reply(res, 201, { id: 77 }, { "x-ratelimit-remaining": "3" });
  if (path === "/gh/repos/o/r/pulls/6")
    return reply(res, 200, "diff --git a b\n", { "content-type": "text/plain" });
  return reply(res, 404, { message: `no route ${path}` });
}

function linear(res: ServerResponse, body: string): void {
  const { query } = JSON.parse(body) as { query: string };
  if (query.includes("broken"))
    return reply(res, 400, { errors: [{ message: "Cannot query field broken" }] });
  reply(res, 200, { data: { viewer: { id: "u1" } } }, { "x-complexity": "7" });
}

function slack(res: ServerResponse, path: string): void {
  if (path.startsWith("/slack/chat.postMessage")) return reply(res, 200, { ok: true, ts: "1.2" });
  reply(res, 200, { ok: false, error: "channel_not_found" });
}

let server: Server;
let base = "";

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const path = req.url ?? "";
      seen.push({ method: req.method ?? "", path, headers: req.headers, body });
      if (path.startsWith("/gh/")) github(req, res, path.split("?")[0]!);
      else if (path === "/linear") linear(res, body);
      else slack(res, path);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

async function run(source: string): Promise<{ out: string; error: string | null }> {
  const out: string[] = [];
  const vm = createVm({ output: (t) => out.push(t), errorOutput: () => {} });
  const compiled = compileSource(source, "connectors-test.harn", false, undefined, knownNamesOf(vm));
  assert.ok(compiled.module, JSON.stringify(compiled.diagnostics));
  const result = await vm.run(compiled.module);
  return { out: out.join(""), error: result.error ? uncaughtMessage(result.error) : null };
}

test("github: App JWT buys one installation token, reused, refreshed after a 401; diffs come back as text", async () => {
  seen.length = 0;
  const r = await run(`import { configure, comment, get_pr_diff } from "std/connectors/github"
pipeline main() {
  configure({app_id: 42, installation_id: 9, api_base_url: "${base}/gh/", private_key_pem: ${JSON.stringify(pem)}})
  println(comment("https://github.com/o/r/issues/5", "hi").id)
  println(get_pr_diff("https://github.com/o/r/pull/6"))
  println(event_log.latest("connectors.github.rate_limit") != nil)
}`);
  assert.equal(r.error, null);
  assert.equal(r.out, "77\ndiff --git a b\n\ntrue\n", "a low remaining quota is logged");
  const api = seen.filter((s) => !s.path.includes("access_tokens"));
  assert.equal(tokensIssued, 1);
  assert.deepEqual(
    api.map((s) => s.headers.authorization),
    ["Bearer tok-1", "Bearer tok-1"],
  );
  assert.equal(api[0]?.headers["x-github-api-version"], "2022-11-28");
  assert.deepEqual(JSON.parse(api[0]!.body), { body: "hi" });
  assert.equal(api[1]?.headers.accept, "application/vnd.github.diff");

  rejectNextToken = true;
  const again = await run(`import { configure, comment } from "std/connectors/github"
pipeline main() {
  configure({app_id: 42, installation_id: 9, api_base_url: "${base}/gh/", private_key_pem: ${JSON.stringify(pem)}})
  println(comment("https://github.com/o/r/issues/5", "again").id)
}`);
  assert.equal(again.error, null);
  assert.equal(again.out, "77\n");
  assert.equal(tokensIssued, 3, "a new VM mints a token, and the 401 makes it mint another");
});

test("linear: the GraphQL envelope carries complexity meta; GraphQL errors fail the call", async () => {
  const r = await run(`import { configure, graphql, search } from "std/connectors/linear"
pipeline main() {
  configure({api_base_url: "${base}/linear", api_key: "lin_key"})
  let env = graphql("query Viewer { viewer { id } }", nil, {operation_name: "Viewer"})
  println([env.data.viewer.id, env.meta.observed_complexity, env.meta.complexity_estimate, env.errors])
  println(unwrap_err(try { graphql("query { broken }") }))
}`);
  assert.equal(r.error, null);
  assert.equal(
    r.out,
    "[u1, 7, 5, nil]\nlinear GraphQL request failed with status 400 Bad Request: Cannot query field broken\n",
  );
  const last = seen.filter((s) => s.path === "/linear");
  assert.equal(last[0]?.headers.authorization, "lin_key", "an API key is sent as is");
  assert.deepEqual(JSON.parse(last[0]!.body).operationName, "Viewer");
});

test("slack: ok:false answers become errors; bad calls are refused with clear messages", async () => {
  const r = await run(`import { configure, post_message, add_reaction } from "std/connectors/slack"
pipeline main() {
  println(unwrap_err(try { post_message("C1", "no token yet") }))
  configure({api_base_url: "${base}/slack", bot_token: "xoxb-1"})
  println(post_message("C1", "hello").ts)
  println(unwrap_err(try { add_reaction("C404", "1.2", "eyes") }))
  println(unwrap_err(try { connector_call("notion", "x", {}) }))
  println(unwrap_err(try { connector_call("slack", "nope", {bot_token: "t"}) }))
  println(unwrap_err(try { connector_call("slack", "post_message", "text") }))
}`);
  assert.equal(r.error, null);
  assert.equal(
    r.out,
    [
      "slack connector requires bot_token or bot_token_secret",
      "1.2",
      "channel_not_found",
      "connector_call: connector `notion` is not active",
      "slack connector does not implement outbound method `nope`",
      "connector_call: params must be a dict when provided",
      "",
    ].join("\n"),
  );
});

test("the egress policy applies to connector requests", async () => {
  const r = await run(`import { configure, post_message } from "std/connectors/slack"
pipeline main() {
  egress_policy({default: "deny"})
  configure({api_base_url: "${base}/slack", bot_token: "xoxb-1"})
  let e = try { post_message("C1", "hello") }
  println(unwrap_err(e).type + " " + unwrap_err(e).surface)
}`);
  assert.equal(r.error, null);
  assert.equal(r.out, "EgressBlocked connector_call:slack\n");
});
