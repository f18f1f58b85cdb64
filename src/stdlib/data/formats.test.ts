// CSV, YAML, TOML, URLs, signed URLs, cookies/sessions and multipart.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { NULL_HOST } from "../host-api.ts";
import { parseCsv } from "./csv.ts";
import { registerDataStdlib } from "./index.ts";

async function run(source: string): Promise<string[]> {
  const compiled = compileSource(source, "snippet.harn");
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("; "));
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s) });
  registerDataStdlib(vm, NULL_HOST);
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}\n`);
  return out.join("").trimEnd().split("\n");
}

test("CSV reading follows the csv crate", () => {
  assert.deepEqual(parseCsv('a,"b,c",d\r\n\n"x ""q"" y",,\rlast', ","), [
    ["a", "b,c", "d"],
    ['x "q" y', "", ""],
    ["last"],
  ]);
  assert.deepEqual(parseCsv('"ab"c,d"e', ","), [["abc", 'd"e']]);
  assert.deepEqual(parseCsv("a;b\n", ";"), [["a", "b"]]);
});

test("CSV writing quotes only when needed", async () => {
  assert.deepEqual(
    await run(`
print(csv_stringify([["a,b", "say \\"hi\\"", 3], [""], [1.5, nil]]))
print(csv_stringify([{b: 1, a: 2}, {c: 3}], {headers: true, delimiter: ";"}))
println(csv_parse("h1,h2\\nx\\n", {headers: true}))
`),
    ['"a,b","say ""hi""",3', '""', "1.5,nil", "a;b;c", "2;1;", ";;3", "[{h1: x, h2: }]"],
  );
});

test("YAML keeps ints and floats apart and writes like serde_yaml", async () => {
  assert.deepEqual(
    await run(`
let y = yaml_parse("i: 1\\nf: 1.0\\nb: yes\\nn: ~\\nl: [1, 2]\\n3: three\\nbig: 9223372036854775808\\n")
println(y)
println(type_of(y.f))
print(yaml_stringify({b: [1, 2.0], a: {k: "true"}, s: "plain", e: {}}))
try { yaml_parse("a: b\\n---\\nc: d\\n") } catch (e) { println(e) }
try { yaml_parse("a: [1") } catch (e) { println(e.starts_with("YAML parse error: ")) }
`),
    [
      "{3: three, b: yes, big: 9223372036854776000, f: 1.0, i: 1, l: [1, 2], n: nil}",
      "float",
      "a:",
      "  k: 'true'",
      "b:",
      "- 1",
      "- 2.0",
      "e: {}",
      "s: plain",
      "YAML parse error: deserializing from YAML containing more than one document is not supported",
      "true",
    ],
  );
});

test("TOML round trips with tables, arrays of tables and floats", async () => {
  assert.deepEqual(
    await run(`
let text = toml_stringify({title: "t", n: 1.0, owner: {name: "x"}, pts: [{x: 1}, {x: 2}], arr: [1, "a"], "a b": true})
print(text)
println(toml_parse(text) == {title: "t", n: 1.0, owner: {name: "x"}, pts: [{x: 1}, {x: 2}], arr: [1, "a"], "a b": true})
println(toml_parse("d = 1979-05-27\\n"))
try { toml_stringify({a: nil}) } catch (e) { println(e) }
try { toml_parse("a = ") } catch (e) { println(e.starts_with("TOML parse error: ")) }
`),
    [
      '"a b" = true',
      'arr = [1, "a"]',
      "n = 1.0",
      'title = "t"',
      "",
      "[owner]",
      'name = "x"',
      "",
      "[[pts]]",
      "x = 1",
      "",
      "[[pts]]",
      "x = 2",
      "true",
      "{d: {$__toml_private_datetime: 1979-05-27}}",
      "toml_stringify: unsupported nil value (TOML has no null)",
      "true",
    ],
  );
});

test("URL parsing, building and query strings", async () => {
  assert.deepEqual(
    await run(`
println(url_parse("http://example.com/"))
println(url_parse("https://h.io:443/p?#"))
println(url_build({scheme: "http", host: "h", port: 8080, path: "/a b", username: "u", password: "p", fragment: "f"}))
println(query_parse("a=1&&b=x+y%21&c"))
println(query_stringify([{key: "k", value: "a b&*~"}, {key: "n", value: 5}]))
try { url_parse("/relative") } catch (e) { println(e) }
`),
    [
      "{fragment: nil, host: example.com, password: nil, path: /, port: nil, query: nil, scheme: http, username: nil}",
      "{fragment: , host: h.io, password: nil, path: /p, port: nil, query: , scheme: https, username: nil}",
      "http://u:p@h:8080/a%20b#f",
      "[{key: a, value: 1}, {key: b, value: x y!}, {key: c, value: }]",
      "k=a+b%26*%7E&n=5",
      "url_parse: relative URL without a base",
    ],
  );
});

test("signed URLs verify, detect tampering, expiry and unknown keys", async () => {
  assert.deepEqual(
    await run(`
let link = signed_url("/files/a b?z=1#frag", {user: 7}, "s3", 100, {kid: "k1"})
println(link.starts_with("/files/a%20b?exp=100&kid=k1&sig="))
let ok = verify_signed_url(link, {k1: "s3"}, 100)
println([ok.valid, ok.reason, ok.claims, ok.expires_at, ok.kid])
println(verify_signed_url(link, {k2: "s3"}, 100).reason)
println(verify_signed_url(link, "s3", 101).reason)
println(verify_signed_url("/files/x?exp=1", "s3", 0).reason)
println(verify_signed_url(link.replace("z=1", "z=2"), "s3", 0).reason)
try { signed_url("/x", {sig: 1}, "s", 1) } catch (e) { println(e) }
try { signed_url("relative", {}, "s", 1) } catch (e) { println(e) }
`),
    [
      "true",
      "[true, ok, {user: 7, z: 1}, 100, k1]",
      "unknown_key",
      "expired",
      "missing_signature",
      "bad_signature",
      "Runtime error: signed_url: claims cannot contain reserved parameter `sig`",
      "Runtime error: signed_url: expected an absolute URL or an absolute path starting with `/`",
    ],
  );
});

test("cookies: parsing, serializing and round trips", async () => {
  assert.deepEqual(
    await run(`
let p = cookie_parse({Cookie: ["a=1; b=\\"q\\"", "a=2; =x"]})
println([p.cookies, p.duplicates, p.invalid])
println(cookie_serialize("n", "v", {domain: "ex.com", expires: "Wed, 21 Oct 2015 07:28:00 GMT", same_site: "none", secure: true}))
println(cookie_delete("sid"))
println(cookie_verify("abc", "k"))
let rt = cookie_round_trip("a=1; b=2", ["b=3; Path=/", "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"])
println(rt)
try { cookie_serialize("a", "has space") } catch (e) { println(e) }
try { cookie_serialize("a", "v", {same_site: "none"}) } catch (e) { println(e) }
`),
    [
      "[{a: 1, b: q}, {a: [1, 2]}, [{reason: invalid name, segment: =x}]]",
      "n=v; Domain=ex.com; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; SameSite=None",
      "sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
      "{error: malformed, ok: false, value: nil}",
      "{cookie_header: b=3, cookies: {b: 3}}",
      "Runtime error: cookie: cookie value contains spaces, quotes, separators, or control characters; encode it first",
      "Runtime error: cookie: SameSite=None requires Secure",
    ],
  );
});

test("multipart bodies build deterministically and parse back", async () => {
  assert.deepEqual(
    await run(`
let fields = [{name: "a", value: "1"}, {name: "f", filename: "x\\"y.txt", content: bytes_from_hex("ff")}]
let one = multipart_form_data(fields)
println(one.boundary == multipart_form_data(fields).boundary)
println(bytes_to_string_lossy(multipart_form_data([{name: "a", value: "1"}], {boundary: "B"}).body))
let form = multipart_parse(one.body, one.content_type)
println([form.field_count, form.fields[1].filename, form.fields[1].text, form.fields[0].text])
try { multipart_parse("--B\\r\\n", "text/plain") } catch (e) { println(e) }
try { multipart_form_data([{name: ""}]) } catch (e) { println(e) }
`),
    [
      "true",
      "--B\r",
      'Content-Disposition: form-data; name="a"\r',
      "\r",
      "1\r",
      "--B--\r",
      "",
      '[2, x"y.txt, nil, 1]',
      "Runtime error: multipart_parse: expected multipart/form-data content type, got text/plain",
      "Runtime error: multipart_form_data: name must not be empty",
    ],
  );
});
