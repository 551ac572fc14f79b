//! An ordered consumer driving pull runs: a gap recreates the consumer after the last delivered
//! stream sequence and messages of the old serial are dropped.

use crate::jetstream::ack::parse_ack_subject;
use crate::jetstream::ordered::{OrderedConsumer, OrderedOptions, Retry, Verdict};

/// The serial of the consumer named in an ack subject (`<base>_<serial>`).
fn serial_of(consumer: &str) -> u64 {
    consumer.rsplit_once('_').and_then(|(_, s)| s.parse().ok()).unwrap_or(0)
}

#[test]
fn gap_then_recreate_from_ack_subjects() {
    let mut oc = OrderedConsumer::new(OrderedOptions::default(), "B").unwrap();
    let first = oc.next_consumer();
    assert_eq!(first.name, "B_1");
    let mut delivered = Vec::new();
    let mut gaps = 0;
    let subjects = [
        "$JS.ACK.S.B_1.1.1.1.0.4",
        "$JS.ACK.S.B_1.1.2.2.0.3",
        "$JS.ACK.S.B_1.1.4.4.0.1", // dseq 3 was lost: gap
        "$JS.ACK.S.B_1.1.5.5.0.0", // still the old consumer: dropped after the reset
        "$JS.ACK._.H.S.B_2.1.3.1.0.2.T",
        "$JS.ACK._.H.S.B_2.1.4.2.0.1.T",
    ];
    for subject in subjects {
        let info = parse_ack_subject(subject).unwrap();
        match oc.on_message(serial_of(info.consumer), info.delivery_seq, info.stream_seq) {
            Verdict::Deliver => delivered.push(info.stream_seq),
            Verdict::Stale => {}
            Verdict::Gap => {
                gaps += 1;
                let next = oc.next_consumer();
                assert_eq!(next.name, "B_2");
                let config: serde_json::Value = serde_json::from_str(&next.config).unwrap();
                assert_eq!(config["opt_start_seq"], serde_json::json!(3));
            }
        }
    }
    assert_eq!(delivered, [1, 2, 3, 4], "in order, each once");
    assert_eq!(gaps, 1);
}

#[test]
fn recreation_backoff_on_a_virtual_clock() {
    let mut oc = OrderedConsumer::new(OrderedOptions::default(), "B").unwrap();
    oc.next_consumer();
    oc.on_message(1, 1, 10);
    oc.next_consumer();
    let mut now = 0;
    let mut waits = Vec::new();
    for random in [0, u64::MAX, 1 << 63] {
        let (event, retry) = oc.create_failed(false, false, 2_000, now, random);
        assert_eq!(event, None);
        let Retry::At(at) = retry else { panic!("{retry:?}") };
        waits.push(at - now);
        now = at;
    }
    assert_eq!(waits, [1_000, 2_999, 2_000]);
}
