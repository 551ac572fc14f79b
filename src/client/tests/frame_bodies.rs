//! Message bodies left in their frames (`Connection::keep_bodies_in_frames`, `Batch::push_message`):
//! a body wholly inside the frame being parsed is pointed at, one that began in an earlier frame
//! is copied, a batch points into one frame only, and without the setting nothing points out.

use super::harness::*;
use crate::client::batch::kind;
use crate::client::{BODY_IN_ARENA, Batch};

/// Subscribes to `a.>` and leaves the connection with bodies kept in frames.
fn subscribed() -> (H, u32) {
    let mut h = H::connected(opts(&[]));
    h.c.keep_bodies_in_frames();
    let sid = h.cmd(|c, now| c.subscribe("a.>", None, None, None, now)).unwrap();
    h.clear();
    (h, sid)
}

/// One frame through `handle_frame`.
fn receive(h: &mut H, frame: &[u8]) {
    h.c.handle_frame(frame.len(), |at, dst| dst.copy_from_slice(&frame[at..at + dst.len()]), 0);
}

/// Each MSG record's (subject, header block, payload), read from the arena or from `frame`.
fn bodies(batch: &Batch, frame: &[u8]) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    batch
        .iter()
        .filter(|r| r.kind == kind::MSG)
        .map(|r| match r.body {
            None => (text(r.fields[0]), r.fields[2].to_vec(), r.fields[3].to_vec()),
            Some((at, hl, pl)) => {
                let (at, hl, pl) = (at as usize, hl as usize, pl as usize);
                (text(r.fields[0]), frame[at..at + hl].to_vec(), frame[at + hl..at + hl + pl].to_vec())
            }
        })
        .collect()
}

#[test]
fn bodies_inside_the_frame_are_pointed_at_and_a_carried_one_is_copied() {
    let (mut h, sid) = subscribed();
    let hdr = "NATS/1.0\r\nK: v\r\n\r\n";
    // the second HMSG's payload ends in the next frame
    let frame1 = format!(
        "MSG a.1 {sid} 5\r\nhello\r\nHMSG a.2 {sid} _INBOX.r {} {}\r\n{hdr}world\r\nMSG a.3 {sid} 5\r\nspl",
        hdr.len(),
        hdr.len() + 5
    );
    receive(&mut h, frame1.as_bytes());
    let n1 = h.c.frame_number();
    assert_eq!(h.c.batch().frame, Some(n1));
    let got = bodies(h.c.batch(), frame1.as_bytes());
    assert_eq!(
        got,
        [
            ("a.1".into(), vec![], b"hello".to_vec()),
            ("a.2".into(), hdr.as_bytes().to_vec(), b"world".to_vec()),
        ]
    );
    assert!(h.c.batch().iter().all(|r| r.body.is_some()), "both bodies stayed in frame 1");
    assert_eq!(h.c.batch().arena, b"a.1a.2_INBOX.r", "only the names were copied");
    h.c.clear_batch();

    let frame2 = "it\r\nMSG a.4 1 2\r\nok\r\n".replace(" 1 ", &format!(" {sid} "));
    receive(&mut h, frame2.as_bytes());
    let recs: Vec<_> = h.c.batch().iter().collect();
    assert_eq!(recs[0].body, None, "begun in frame 1: copied");
    assert_eq!(recs[0].fields[3], b"split");
    assert_eq!(recs[1].body.map(|b| b.0), Some(frame2.find("ok").unwrap() as u32));
    assert_eq!(h.c.batch().frame, Some(n1 + 1));
}

#[test]
fn a_batch_points_into_one_frame_and_later_frames_are_copied() {
    let (mut h, sid) = subscribed();
    let frame = format!("MSG a.1 {sid} 3\r\none\r\n");
    receive(&mut h, frame.as_bytes());
    let first = h.c.frame_number();
    let frame2 = format!("MSG a.2 {sid} 3\r\ntwo\r\n");
    // not delivered in between: the batch still points into the first frame
    receive(&mut h, frame2.as_bytes());
    assert_eq!(h.c.batch().frame, Some(first));
    let got = bodies(h.c.batch(), frame.as_bytes());
    assert_eq!(got.iter().map(|g| g.2.clone()).collect::<Vec<_>>(), [b"one".to_vec(), b"two".to_vec()]);
    assert_eq!(h.c.batch().iter().map(|r| r.body.is_some()).collect::<Vec<_>>(), [true, false]);
}

#[test]
fn without_the_setting_or_through_handle_bytes_every_body_is_copied() {
    let mut h = H::connected(opts(&[]));
    let sid = h.cmd(|c, now| c.subscribe("a.>", None, None, None, now)).unwrap();
    h.clear();
    let frame = format!("MSG a.1 {sid} 3\r\none\r\n");
    receive(&mut h, frame.as_bytes());
    assert_eq!((h.c.batch().frame, h.c.batch().records[8]), (None, BODY_IN_ARENA));
    h.c.clear_batch();
    h.c.keep_bodies_in_frames();
    h.c.handle_bytes(frame.as_bytes(), 0);
    assert_eq!((h.c.batch().frame, h.c.batch().records[8]), (None, BODY_IN_ARENA));
    assert_eq!(h.c.batch().get(0).unwrap().fields[3], b"one");
}

#[test]
fn any_split_of_a_stream_into_frames_delivers_every_body_intact() {
    // ops of assorted sizes, some with headers, cut at pseudo-random points (a fixed LCG)
    let (mut h, sid) = subscribed();
    let mut stream = Vec::new();
    let mut want = Vec::new();
    for i in 0..1000usize {
        let payload: Vec<u8> = (0..(i * 37) % 700).map(|k| (k * 7 + i) as u8).collect();
        if i % 3 == 0 {
            let hdr = format!("NATS/1.0\r\nN: {i}\r\n\r\n");
            stream
                .extend(format!("HMSG a.{i} {sid} {} {}\r\n", hdr.len(), hdr.len() + payload.len()).bytes());
            stream.extend(hdr.bytes());
            want.push((format!("a.{i}"), hdr.into_bytes(), payload.clone()));
        } else {
            stream.extend(format!("MSG a.{i} {sid} {}\r\n", payload.len()).bytes());
            want.push((format!("a.{i}"), vec![], payload.clone()));
        }
        stream.extend(&payload);
        stream.extend(b"\r\n");
    }
    let mut seed = 0x2545_f491_u64;
    let mut got = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        // mostly small frames, some larger than the engine's 64 KiB chunks
        let max = if seed.is_multiple_of(8) { 200_000 } else { 3000 };
        let len = ((seed >> 33) as usize % max + 1).min(stream.len() - at);
        let frame = &stream[at..at + len];
        receive(&mut h, frame);
        got.extend(bodies(h.c.batch(), frame));
        h.c.clear_batch();
        at += len;
    }
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
}

#[test]
fn a_frame_larger_than_a_chunk_is_parsed_in_chunks_with_every_body_in_it() {
    let (mut h, sid) = subscribed();
    let payload = vec![b'p'; 1000];
    let mut frame = Vec::new();
    for i in 0..1000 {
        frame.extend(format!("MSG a.{i} {sid} {}\r\n", payload.len()).bytes());
        frame.extend(&payload);
        frame.extend(b"\r\n");
    }
    h.c.inbuf_peak = 0;
    receive(&mut h, &frame);
    let got = bodies(h.c.batch(), &frame);
    assert_eq!(got.len(), 1000);
    assert!(got.iter().all(|g| g.2 == payload));
    assert!(h.c.batch().iter().all(|r| r.body.is_some()), "ops across chunk ends stay in the frame too");
    // about 1 MB received, never more than a chunk and one op buffered
    assert!(h.c.inbuf_peak <= 64 * 1024 + 1020, "{} buffered", h.c.inbuf_peak);
    assert_eq!(h.c.inbuf_len(), 0);
}
