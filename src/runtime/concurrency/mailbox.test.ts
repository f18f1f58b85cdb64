// Mailboxes (bounded, closable, scoped) and `channel_select`.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../../engine.ts";

async function run(source: string): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "mailbox.harn", { output: (s) => out.push(s), errorOutput: () => {} });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("").trimEnd();
}

test("a full mailbox parks the sender until a message is taken", async () => {
  const out = await run(`
let box = mailbox_open("inbox", 1)
println(mailbox_send(box, 1))
let sender = spawn { mailbox_send("inbox", 2) }
sleep(2)
println(mailbox_metrics(box).depth)
println(mailbox_receive(box))
println(await(sender))
println(mailbox_try_receive(box))
println(mailbox_try_receive(box))
let m = mailbox_metrics(box)
println([m.sent_count, m.received_count, m.depth, m.capacity])
`);
  assert.equal(out, "true\n1\n1\ntrue\n2\nnil\n[2, 2, 0, 1]");
});

test("closing wakes receivers with nil and refuses later sends", async () => {
  const out = await run(`
let box = mailbox_open({name: "jobs", scope: "process"})
let receiver = spawn { mailbox_receive(box) }
sleep(2)
println(mailbox_close(box))
println(mailbox_close(box))
println(await(receiver))
println(mailbox_send(box, "late"))
let m = mailbox_metrics(box)
println([m.closed, m.failed_send_count])
println(mailbox_send("nobody", 1))
println(mailbox_lookup("nobody"))
println(mailbox_lookup(box) == box)
println(mailbox_metrics("nobody"))
`);
  assert.equal(
    out,
    [
      "true",
      "false",
      "nil",
      "false",
      "[true, 1]",
      "false",
      "nil",
      "true",
      "{capacity: 0, closed: false, depth: 0, failed_send_count: 0, received_count: 0, sent_count: 0}",
    ].join("\n"),
  );
});

test("a cancelled receiver does not swallow the next message", async () => {
  const out = await run(`
let box = mailbox_open("q")
let lost = spawn { mailbox_receive("q") }
sleep(2)
cancel(lost)
sleep(2)
mailbox_send(box, "kept")
println(mailbox_try_receive(box))
`);
  assert.equal(out, "kept");
});

test("channel_select picks the ready channel, or nil on timeout", async () => {
  const out = await run(`
let a = channel("a")
let b = channel("b")
println(channel_select([a, b], 0))
spawn {
  sleep(2)
  send(b, "hello")
}
println(channel_select([a, b]))
println(channel_select([a], 5ms))
close_channel(a)
println(channel_select([a]))
println(try { channel_select("a") })
`);
  assert.equal(
    out,
    [
      "nil",
      "{channel: b, index: 1, value: hello}",
      "nil",
      "nil",
      "Result.Err(channel_select: first argument must be a list of channels)",
    ].join("\n"),
  );
});

test("a message handed to a receiver cancelled before it resumed stays in the inbox", async () => {
  const out = await run(`
let box = mailbox_open("q")
let receiver = spawn { mailbox_receive(box) }
sleep(2)
mailbox_send(box, "m1")
cancel(receiver)
sleep(2)
println(mailbox_try_receive(box))
println(mailbox_metrics(box).depth)
`);
  assert.equal(out, "m1\n0");
});
