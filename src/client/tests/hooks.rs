//! Subscription hooks (`client/hooks.rs`): a scripted test hook records every call the engine
//! makes and returns the ops and fates a test gives it; the tests check the order of MSG and
//! SUB_EVENT records, the hook's deadline on the virtual clock, what each op writes on the wire,
//! the disconnect/reconnect calls, and that an ended subscription takes its hook with it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::harness::*;
use crate::client::batch::kind;
use crate::client::{Fate, HookMsg, HookOp, SubHook};

/// What the test hook was called with, and what it answers next. Shared with the test.
#[derive(Default)]
struct Script {
    calls: Vec<String>,
    /// Fates for the next messages, in order; `Deliver` once empty.
    fates: VecDeque<Fate>,
    /// Ops handed out (via `poll_op`) after the next call.
    ops: VecDeque<HookOp>,
    deadline: Option<u64>,
    /// The deadline after the current one fires (`handle_timeout` at or after it).
    next_deadline: Option<u64>,
}

type Shared = Rc<RefCell<Script>>;

struct TestHook(Shared);

impl SubHook for TestHook {
    fn on_message(&mut self, m: &HookMsg<'_>, now_ms: u64) -> Fate {
        let mut s = self.0.borrow_mut();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        s.calls.push(format!(
            "msg {} {} {:?} {} {} @{now_ms}",
            text(m.subject),
            m.reply.map(text).unwrap_or_default(),
            m.headers.map(text).unwrap_or_default(),
            text(m.payload),
            m.status
        ));
        s.fates.pop_front().unwrap_or(Fate::Deliver)
    }
    fn on_input(&mut self, code: u32, data: &str, now_ms: u64, random: u64) {
        self.0.borrow_mut().calls.push(format!("input {code} {data} @{now_ms} r{random}"));
    }
    fn on_disconnect(&mut self, now_ms: u64) {
        self.0.borrow_mut().calls.push(format!("disconnect @{now_ms}"));
    }
    fn on_reconnect(&mut self, now_ms: u64) {
        self.0.borrow_mut().calls.push(format!("reconnect @{now_ms}"));
    }
    fn poll_timeout(&self) -> Option<u64> {
        self.0.borrow().deadline
    }
    fn handle_timeout(&mut self, now_ms: u64, _random: u64) {
        let mut s = self.0.borrow_mut();
        s.calls.push(format!("timeout @{now_ms}"));
        if s.deadline.is_some_and(|at| now_ms >= at) {
            s.deadline = s.next_deadline.take();
        }
    }
    fn poll_op(&mut self) -> Option<HookOp> {
        self.0.borrow_mut().ops.pop_front()
    }
}

/// Connected, keepalive far away (only the hook's timer matters), one subscription to `inbox`
/// (sid 1) with a test hook attached at time 0.
fn hooked(deadline: Option<u64>) -> (H, Shared) {
    let mut o = opts(&[]);
    o.ping_interval = 600_000;
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    let sid = h.cmd(|c, now| c.subscribe("inbox", None, None, None, now)).unwrap();
    assert_eq!(sid, 1);
    let script = Shared::default();
    script.borrow_mut().deadline = deadline;
    let hook = Box::new(TestHook(script.clone()));
    assert!(h.cmd(|c, _| c.attach_hook(1, hook)));
    h.clear();
    (h, script)
}

/// The server drops the connection; the client redials (1 ms later: the same server was dialled
/// a moment ago) and the handshake completes.
fn lose_and_reconnect(h: &mut H) {
    h.server_closed(true, "bye");
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://127.0.0.1:4222/")]);
    h.handshake(INFO);
}

fn event(kind: &'static str, name: &str, data: &str, body: &str, number: u32) -> HookOp {
    HookOp::Event { kind, name: name.into(), data: data.into(), body: body.into(), number }
}

fn calls(script: &Shared) -> Vec<String> {
    std::mem::take(&mut script.borrow_mut().calls)
}

fn queue(script: &Shared, ops: impl IntoIterator<Item = HookOp>) {
    script.borrow_mut().ops.extend(ops);
}

fn fields(r: &Rec) -> [&str; 4] {
    [r.f[0].as_str(), r.f[1].as_str(), r.f[2].as_str(), r.f[3].as_str()]
}

#[test]
fn the_hook_sees_each_message_before_delivery_and_its_events_follow_the_msg() {
    let (mut h, script) = hooked(None);
    queue(&script, [event("pull", "", "subj", "{}", 0), event("status", "debug", "x", "", 7)]);
    h.feed("MSG inbox 1 r.1 5\r\nhello\r\nHMSG inbox 1 24 26\r\nNATS/1.0 408 Timeout\r\n\r\nhi\r\n");
    assert_eq!(
        calls(&script),
        ["msg inbox r.1 \"\" hello 0 @0", "msg inbox  \"NATS/1.0 408 Timeout\\r\\n\\r\\n\" hi 408 @0"]
    );
    let recs = h.take_recs();
    assert_eq!(
        recs.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [kind::MSG, kind::SUB_EVENT, kind::SUB_EVENT, kind::MSG]
    );
    assert_eq!(fields(&recs[0]), ["inbox", "r.1", "", "hello"]);
    assert_eq!((recs[1].id, fields(&recs[1]), recs[1].extra), (1, ["pull", "", "subj", "{}"], 0));
    assert_eq!((recs[2].id, fields(&recs[2]), recs[2].extra), (1, ["status", "debug", "x", ""], 7));
    assert_eq!((fields(&recs[3])[3], recs[3].extra), ("hi", 408));
    assert_eq!(h.c.subscription_counts(1), Some((2, 0)));
}

#[test]
fn a_dropped_message_makes_no_msg_record_but_still_counts_in_the_stats() {
    let (mut h, script) = hooked(None);
    script.borrow_mut().fates.extend([Fate::Drop, Fate::Deliver]);
    queue(&script, [event("status", "swallowed", "", "", 0)]);
    h.feed("MSG inbox 1 3\r\nabc\r\nMSG inbox 1 2\r\nde\r\n");
    let recs = h.take_recs();
    assert_eq!(recs.iter().map(|r| r.kind).collect::<Vec<_>>(), [kind::SUB_EVENT, kind::MSG]);
    assert_eq!(fields(&recs[0])[1], "swallowed", "the event of the dropped message stays in order");
    assert_eq!(fields(&recs[1])[3], "de");
    assert_eq!(h.c.subscription_counts(1), Some((1, 0)), "only the delivered one reaches the sub");
    assert_eq!(h.c.stats().0, 2, "both were received");
    assert_eq!(h.c.stats().2, 5);
}

#[test]
fn the_deadline_fires_at_its_ms_and_an_earlier_one_is_not_delayed() {
    let (mut h, script) = hooked(Some(1_000));
    assert_eq!(h.c.poll_timeout(), Some(1_000));
    h.advance(999);
    assert!(calls(&script).is_empty());
    h.advance(1);
    assert_eq!(calls(&script), ["timeout @1000"]);
    assert_eq!(h.c.poll_timeout(), Some(600_000), "nothing due: only the keepalive is left");

    // An earlier deadline re-arms at once; a later one then leaves it armed.
    script.borrow_mut().deadline = Some(1_500);
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    assert_eq!(h.c.poll_timeout(), Some(1_500));
    script.borrow_mut().deadline = Some(1_200);
    h.feed("MSG inbox 1 1\r\nx\r\n");
    assert_eq!(h.c.poll_timeout(), Some(1_200));
    script.borrow_mut().deadline = Some(5_000);
    h.feed("MSG inbox 1 1\r\ny\r\n");
    assert_eq!(h.c.poll_timeout(), Some(1_200), "a later deadline does not delay the armed one");
    calls(&script);
    h.advance(199);
    assert!(calls(&script).is_empty());
    h.advance(1);
    // Fired early: the hook finds nothing due, and the timer is re-armed for its deadline.
    assert_eq!(calls(&script), ["timeout @1200"]);
    assert_eq!(h.c.poll_timeout(), Some(5_000));
    script.borrow_mut().next_deadline = Some(7_000);
    h.advance(3_799);
    assert!(calls(&script).is_empty());
    h.advance(1);
    assert_eq!(calls(&script), ["timeout @5000"]);
    assert_eq!(h.c.poll_timeout(), Some(7_000), "the deadline after the fired one is armed");
    h.advance(2_000);
    assert_eq!(calls(&script), ["timeout @7000"]);
}

#[test]
fn hook_input_reaches_the_hook_with_a_random_number_from_the_entropy() {
    let (mut h, script) = hooked(None);
    h.script_random(&[0xDEAD_BEEF]);
    h.advance(42);
    h.cmd(|c, now| c.hook_input(1, 3, "some data", now));
    assert_eq!(calls(&script), [format!("input 3 some data @42 r{}", 0xDEAD_BEEFu64)]);
    h.cmd(|c, now| c.hook_input(9, 3, "", now)); // no hook on sid 9: ignored
    assert!(calls(&script).is_empty());
    assert!(h.take_recs().is_empty());
}

#[test]
fn attach_hook_on_an_unknown_sid_is_false() {
    let (mut h, _) = hooked(None);
    let other = Shared::default();
    other.borrow_mut().deadline = Some(10);
    assert!(!h.cmd(|c, _| c.attach_hook(2, Box::new(TestHook(other.clone())))));
    assert_eq!(h.c.poll_timeout(), Some(600_000), "no timer for a hook that was refused");
    h.feed("MSG inbox 2 1\r\nx\r\n");
    assert!(calls(&other).is_empty());
}

#[test]
fn publish_goes_out_when_connected_and_is_dropped_when_disconnected() {
    let (mut h, script) = hooked(None);
    queue(&script, [HookOp::Publish { subject: "ctl.a".into(), body: b"+ACK".to_vec() }]);
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    assert_eq!(h.sent(), "PUB ctl.a 4\r\n+ACK\r\n");

    h.server_closed(true, "bye");
    queue(&script, [HookOp::Publish { subject: "ctl.b".into(), body: b"lost".to_vec() }]);
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://127.0.0.1:4222/")]);
    h.handshake(INFO);
    let sent = h.sent();
    assert!(sent.contains("SUB inbox 1\r\n"), "{sent}");
    assert!(!sent.contains("ctl.b"), "a publish asked for while disconnected is not held: {sent}");
}

#[test]
fn resubscribe_moves_the_sid_and_reconnects_use_the_new_subject() {
    let (mut h, script) = hooked(None);
    queue(&script, [HookOp::Resubscribe { subject: "inbox.2".into() }]);
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    assert_eq!(h.sent(), "UNSUB 1\r\nSUB inbox.2 1\r\n");
    assert!(h.take_recs().is_empty(), "the subscription goes on");
    h.feed("MSG inbox.2 1 1\r\nx\r\n");
    assert_eq!(only(&h.take_recs(), kind::MSG).f[0], "inbox.2");
    lose_and_reconnect(&mut h);
    let sent = h.sent();
    assert!(sent.contains("SUB inbox.2 1\r\n") && !sent.contains("SUB inbox 1"), "{sent}");
}

#[test]
fn end_unsubscribes_and_ends_with_the_raw_code() {
    let (mut h, script) = hooked(Some(100));
    queue(
        &script,
        [event("status", "last", "", "", 0), HookOp::End(None), event("status", "never", "", "", 0)],
    );
    h.feed("MSG inbox 1 1\r\nx\r\n");
    assert_eq!(h.sent(), "UNSUB 1\r\n");
    let recs = h.take_recs();
    assert_eq!(recs.iter().map(|r| r.kind).collect::<Vec<_>>(), [kind::MSG, kind::SUB_EVENT, kind::SUB_END]);
    assert_eq!((recs[2].id, fields(&recs[2])), (1, ["", "", "", ""]), "a clean end");
    assert_eq!(h.c.subscription_counts(1), None);
    assert_eq!(h.c.poll_timeout(), Some(600_000), "the hook's timer went with it");

    let (mut h, script) = hooked(None);
    queue(&script, [HookOp::End(Some(("409".into(), "consumer deleted".into())))]);
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    assert_eq!(h.sent(), "UNSUB 1\r\n");
    let end = only(&h.take_recs(), kind::SUB_END);
    assert_eq!((end.id, fields(&end)), (1, ["409", "consumer deleted", "", ""]));
    h.feed("MSG inbox 1 1\r\nx\r\n");
    assert!(h.take_recs().is_empty());
    assert!(calls(&script).iter().all(|c| c.starts_with("input")), "no call after the end");
}

#[test]
fn disconnect_and_reconnect_reach_the_hook_but_not_the_first_connect() {
    let mut o = opts(&[]);
    o.ping_interval = 600_000;
    o.reconnect_time_wait = 0;
    let mut h = H::new(o);
    h.start();
    let sid = h.cmd(|c, now| c.subscribe("inbox", None, None, None, now)).unwrap();
    let script = Shared::default();
    assert!(h.cmd(|c, _| c.attach_hook(sid, Box::new(TestHook(script.clone())))));
    h.handshake(INFO);
    assert!(calls(&script).is_empty(), "the first connect is no reconnect");
    h.clear();

    h.advance(10);
    h.server_closed(true, "bye");
    assert_eq!(calls(&script), ["disconnect @10"]);
    assert_eq!(h.take_cmds(), vec![dial("ws://127.0.0.1:4222/")]);
    h.advance(5);
    // What the hook asks on reconnect goes out after the subscription was sent again.
    queue(&script, [HookOp::Publish { subject: "ctl".into(), body: b"again".to_vec() }]);
    h.handshake(INFO);
    assert_eq!(calls(&script), ["reconnect @15"]);
    let sent = h.sent();
    let (sub, publ) = (sent.find("SUB inbox 1\r\n").unwrap(), sent.find("PUB ctl 5\r\nagain\r\n").unwrap());
    assert!(sub < publ, "{sent}");
}

#[test]
fn unsubscribe_drops_the_hook_and_cancels_its_timer() {
    let (mut h, script) = hooked(Some(1_000));
    h.cmd(|c, _| c.unsubscribe(1, None)).unwrap();
    assert_eq!(only(&h.take_recs(), kind::SUB_END).id, 1);
    assert_eq!(h.c.poll_timeout(), Some(600_000));
    h.feed("MSG inbox 1 1\r\nx\r\n");
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    h.advance(2_000);
    lose_and_reconnect(&mut h);
    assert!(calls(&script).is_empty(), "no call once the subscription ended");
}

#[test]
fn auto_unsubscribe_at_max_drops_the_hook() {
    let (mut h, script) = hooked(Some(1_000));
    h.cmd(|c, _| c.unsubscribe(1, Some(1))).unwrap();
    h.feed("MSG inbox 1 1\r\nx\r\nMSG inbox 1 1\r\ny\r\n");
    assert_eq!(h.kinds(), [kind::MSG, kind::SUB_END]);
    assert_eq!(calls(&script), ["msg inbox  \"\" x 0 @0"]);
    assert_eq!(h.c.poll_timeout(), Some(600_000));
}

#[test]
fn close_drops_the_hook() {
    let (mut h, script) = hooked(Some(1_000));
    h.cmd(|c, _| c.close());
    assert_eq!(only(&h.recs, kind::SUB_END).id, 1);
    assert_eq!(h.c.poll_timeout(), None);
    h.cmd(|c, now| c.hook_input(1, 0, "", now));
    h.advance(2_000);
    assert!(calls(&script).is_empty(), "no call once closed");
}

#[cfg(feature = "jetstream-engine")]
#[test]
fn a_consumer_run_on_a_subscription_swallows_statuses_and_times_its_heartbeats() {
    use crate::jetstream::pull::{Mode, PullOptions, Settings};
    use crate::jetstream::run::ConsumerRun;
    let mut o = opts(&[]);
    o.ping_interval = 600_000;
    let mut h = H::connected(o);
    let sid = h.cmd(|c, now| c.subscribe("_INBOX.x", None, None, None, now)).unwrap();
    let settings = Settings::new(&PullOptions::default(), Mode::Consume).unwrap();
    let run = ConsumerRun::new(settings, Mode::Consume, "$JS.API.CONSUMER.MSG.NEXT.S".into(), "C".into(), 0);
    assert!(h.cmd(|c, _| c.attach_hook(sid, Box::new(run))));
    let pull = only(&h.take_recs(), kind::SUB_EVENT);
    let body = r#"{"batch":100,"max_bytes":0,"idle_heartbeat":15000000000,"expires":30000000000}"#;
    assert_eq!(fields(&pull), ["pull", "", "$JS.API.CONSUMER.MSG.NEXT.S.C", body]);
    assert_eq!(h.c.poll_timeout(), Some(30_000));

    h.advance(10_000);
    let hb = "NATS/1.0 100 Idle Heartbeat\r\n\r\n";
    h.feed(format!("HMSG _INBOX.x {sid} {} {}\r\n{hb}\r\n", hb.len(), hb.len()));
    assert!(h.take_recs().is_empty(), "a heartbeat never reaches the application");
    h.advance(29_999);
    assert!(h.take_recs().is_empty());
    h.advance(1); // two intervals after the heartbeat
    let recs = h.take_recs();
    let got: Vec<[&str; 4]> = recs.iter().map(fields).collect();
    assert_eq!(got, [["status", "heartbeats_missed", "2", ""], ["check", "C", "", ""]]);
    assert_eq!(h.c.stats().0, 1, "the swallowed heartbeat still counts as received");
}
