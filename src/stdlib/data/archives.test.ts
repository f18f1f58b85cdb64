// Compression and archives: gzip/brotli through the Node provider, the
// stored-block zstd codec, tar and zip round trips and their validation.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { nodeCompressionProvider } from "../../host/crypto-host.ts";
import { NULL_HOST } from "../host-api.ts";
import { crc32, tarCreate, tarExtract } from "./archives.ts";
import { registerDataStdlib } from "./index.ts";
import { ZstdError, zstdDecode, zstdEncode } from "./zstd.ts";

async function run(source: string, withCodecs = true): Promise<string[]> {
  const compiled = compileSource(source, "snippet.harn");
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("; "));
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s) });
  registerDataStdlib(vm, NULL_HOST, withCodecs ? { compression: nodeCompressionProvider } : {});
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}\n`);
  return out.join("").trimEnd().split("\n");
}

const text = (s: string) => new TextEncoder().encode(s);

test("zstd frames of stored blocks round trip, RLE decodes, compressed blocks are refused", () => {
  const big = new Uint8Array(300_000).map((_, i) => i % 251);
  assert.deepEqual(zstdDecode(zstdEncode(big)), big);
  assert.deepEqual(zstdDecode(zstdEncode(new Uint8Array(0))), new Uint8Array(0));
  // Frame: magic, descriptor (single segment, 1-byte size), size 4, one last RLE block of 4 x "z".
  const rle = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 4, (4 << 3) | 0b011, 0, 0, 0x7a]);
  assert.deepEqual(zstdDecode(rle), text("zzzz"));
  const compressed = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 4, (4 << 3) | 0b101, 0, 0, 1, 2, 3, 4]);
  assert.throws(() => zstdDecode(compressed), ZstdError);
  assert.throws(() => zstdDecode(text("nope")), /not zstd data/);
});

test("tar headers carry mode and size, and read back", () => {
  const archive = tarCreate([{ path: "a/b.txt", content: text("hi"), mode: 0o600 }]);
  assert.equal(archive.length, 512 + 512 + 1024);
  const [entry] = tarExtract(archive);
  assert.deepEqual(entry, { path: "a/b.txt", content: text("hi"), mode: 0o600 });
  assert.equal(crc32(text("123456789")), 0xcbf43926);
});

test("compression builtins round trip bytes and strings", async () => {
  assert.deepEqual(
    await run(`
let data = bytes_from_hex("00ff10")
println(bytes_to_hex(gzip_decode(gzip_encode(data, 0))))
println(bytes_to_string(brotli_decode(brotli_encode("héllo", 5))))
println(bytes_to_string(zstd_decode(zstd_encode("z"))))
let zip = zip_extract(zip_create([{path: "x/é.txt", content: "one"}, {path: "b", content: data}]))
println([zip[0].path, bytes_to_string(zip[0].content), bytes_to_hex(zip[1].content)])
let tar = tar_extract(tar_create([{path: "f", content: "t"}]))
println([tar[0].path, tar[0].mode, bytes_to_string(tar[0].content)])
try { gzip_encode("x", 10) } catch (e) { println(e) }
try { gzip_decode("text") } catch (e) { println(e) }
try { tar_create([{path: "", content: ""}]) } catch (e) { println(e) }
try { zip_extract(bytes_from_hex("0000")) } catch (e) { println(e) }
`),
    [
      "00ff10",
      "héllo",
      "z",
      "[x/é.txt, one, 00ff10]",
      "[f, 420, t]",
      "Runtime error: gzip_encode: level must be between 0 and 9, got 10",
      "Runtime error: gzip_decode: expected bytes at argument 1, got string",
      "Runtime error: tar_create: entry 1 path must not be empty",
      "Runtime error: zip_extract: invalid Zip archive: could not find central directory end",
    ],
  );
});

test("without a provider, codecs that need one fail clearly", async () => {
  assert.deepEqual(await run(`try { gzip_encode("x") } catch (e) { println(e) }`, false), [
    "Runtime error: gzip_encode: compression is not available in this host",
  ]);
});
