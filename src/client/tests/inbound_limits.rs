//! What a server can make the engine buffer: one op at most. A MSG as large as the INFO's
//! `max_payload` (64 MiB, nats-server's ceiling) streamed in frames never makes the input buffer
//! exceed `max_payload` + the control-line limit; a larger claim is refused at its control line,
//! before any payload byte is buffered.

use super::harness::*;
use crate::client::batch::kind;

const MIB: usize = 1024 * 1024;

fn info_with_max_payload(max: usize) -> String {
    format!("INFO {{\"server_id\":\"S1\",\"proto\":1,\"headers\":true,\"max_payload\":{max}}}\r\n")
}

#[test]
fn a_64_mib_message_streamed_in_frames_is_buffered_once_and_delivered() {
    let mut h = H::new(opts(&[]));
    h.start();
    h.handshake(&info_with_max_payload(64 * MIB));
    let sid = h.cmd(|c, now| c.subscribe("big", None, None, None, now)).unwrap();
    h.clear();
    h.c.inbuf_peak = 0; // the handshake's INFO is not part of this
    let bound = h.c.limits.max_payload + h.c.limits.max_control_line;
    assert_eq!(h.c.limits.max_payload, 64 * MIB);
    let line = format!("MSG big {sid} {}\r\n", 64 * MIB);
    h.feed(&line);
    let frame = vec![b'x'; MIB];
    for i in 0..64 {
        h.feed(&frame);
        assert!(h.c.inbuf_len() <= bound, "frame {i}: {} buffered", h.c.inbuf_len());
        assert!(h.recs.is_empty(), "nothing before the whole payload");
    }
    h.feed("\r\n");
    assert_eq!(h.c.inbuf_len(), 0);
    let op_len = line.len() + 64 * MIB + 2;
    assert_eq!(h.c.inbuf_peak, op_len, "the buffer held exactly the one op at its peak");
    assert!(h.c.inbuf_peak <= bound);
    let m = only(&h.take_recs(), kind::MSG);
    assert_eq!((m.id, m.f[3].len()), (sid, 64 * MIB));
    assert!(h.cmds.is_empty(), "the connection stays up");
}

#[test]
fn a_1_gib_claim_is_refused_at_its_control_line() {
    let mut h = H::new(opts(&[]));
    h.start();
    h.handshake(&info_with_max_payload(64 * MIB));
    h.cmd(|c, now| c.subscribe("big", None, None, None, now)).unwrap();
    h.clear();
    h.c.inbuf_peak = 0; // the handshake's INFO is not part of this
    let line = format!("MSG big 1 {}\r\n", 1024 * MIB);
    h.feed(&line);
    let s = h.statuses();
    assert_eq!((s[0].0.as_str(), s[0].1.as_str()), ("error", "NATS_PROTOCOL_ERR"), "{s:?}");
    assert!(matches!(h.take_cmds().as_slice(), [crate::client::TransportCmd::Close { code: 1002, .. }]));
    assert_eq!(h.c.inbuf_peak, line.len(), "no payload byte was ever buffered");
    assert_eq!(h.c.inbuf_len(), 0);
    h.feed(vec![b'x'; MIB]);
    assert_eq!(h.c.inbuf_len(), 0, "the abandoned socket's bytes are ignored");
    assert!(!h.recs.iter().any(|r| r.is(kind::MSG)));
}
