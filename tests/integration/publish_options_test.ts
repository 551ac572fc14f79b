// README › "PublishOptions": `reply` (the subscriber sees it and msg.respond() answers there) and
// `headers`, separately and together; publishMessage() and respondMessage() with a Msg.
import { createInbox, headers, StringCodec } from "../helpers/deps.ts";
import type { Msg } from "../helpers/deps.ts";
import { assertEquals } from "../helpers/assert.ts";
import { connectTest, take } from "../helpers/helpers.ts";

const sc = StringCodec();

Deno.test("publish options: reply is delivered and respond() goes to it", async () => {
  const nc = await connectTest();
  const subj = createInbox("svc");
  const replyTo = createInbox("replies");
  const replies = nc.subscribe(replyTo); // set up before publishing, as the README says
  const sub = nc.subscribe(subj, { max: 1 });
  nc.publish(subj, sc.encode("question"), { reply: replyTo });
  const [m] = await take(sub, 1);
  assertEquals(m.reply, replyTo);
  assertEquals(m.respond(sc.encode("answer")), true);
  const [r] = await take(replies, 1);
  assertEquals(r.subject, replyTo);
  assertEquals(sc.decode(r.data), "answer");
  await nc.close();
});

Deno.test("publish options: headers alone, and headers together with reply", async () => {
  const nc = await connectTest();
  const subj = createInbox("opts");
  const replyTo = createInbox("r");
  const sub = nc.subscribe(subj);
  const h = headers();
  h.set("A", "1");
  nc.publish(subj, sc.encode("h"), { headers: h });
  nc.publish(subj, sc.encode("hr"), { headers: h, reply: replyTo });
  nc.publish(subj, sc.encode("r"), { reply: replyTo });
  const got = await take(sub, 3);
  assertEquals(
    got.map((m) => [sc.decode(m.data), m.reply ?? "", m.headers?.get("A") ?? null]),
    [["h", "", "1"], ["hr", replyTo, "1"], ["r", replyTo, null]],
  );
  await nc.close();
});

Deno.test("publish options: publishMessage() and respondMessage() take a Msg", async () => {
  const nc = await connectTest();
  const subj = createInbox("pm");
  const replyTo = createInbox("pm-reply");
  const sub = nc.subscribe(subj);
  const replies = nc.subscribe(replyTo);
  const h = headers();
  h.set("Via", "publishMessage");
  nc.publishMessage(
    { subject: subj, data: sc.encode("as msg"), reply: replyTo, headers: h } as Msg,
  );
  const [m] = await take(sub, 1);
  assertEquals([m.string(), m.reply, m.headers?.get("Via")], ["as msg", replyTo, "publishMessage"]);
  // respondMessage publishes the given msg's data to its reply subject
  assertEquals(
    nc.respondMessage({ ...m, subject: subj, reply: replyTo, data: sc.encode("resp") } as Msg),
    true,
  );
  assertEquals(nc.respondMessage({ subject: subj, data: sc.encode("no reply") } as Msg), false);
  const [r] = await take(replies, 1);
  assertEquals(sc.decode(r.data), "resp");
  await nc.close();
});
