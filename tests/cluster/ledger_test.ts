// The loss rules of tests/cluster/ledger.ts on a made-up history (no server): proves that the
// soak and failover checks can fail: a lost message a flush confirmed before the fault, a lost
// buffered message, and a message lost with no fault after it are each reported; only a message
// published after the last confirmed flush before the fault is excused. Run by tests/cluster/run.sh.
import type { NatsConnection, Status } from "../helpers/deps.ts";
import { assertEquals } from "../helpers/assert.ts";
import type { ConnState } from "./cluster.ts";
import { FlushLedger } from "./ledger.ts";

/** A ledger over a fixed history: a fault at 100 ms, its disconnect seen at 110 ms. */
function history(): FlushLedger {
  const state = {
    connected: true,
    events: [{ at: 110, s: { type: "disconnect", data: "" } as Status }],
  } as unknown as ConnState;
  const ledger = new FlushLedger({} as NatsConnection, state);
  // seqs 0-3 published while connected, 4 while disconnected, 5 after the reconnect
  ledger.sent.push(
    { at: 10, offline: false },
    { at: 20, offline: false },
    { at: 90, offline: false },
    { at: 105, offline: false },
    { at: 150, offline: true },
    { at: 300, offline: false },
  );
  ledger.confirmed.push({ upTo: 2, at: 50 }); // seqs 0 and 1 confirmed before the fault
  ledger.confirmed.push({ upTo: 4, at: 200 }); // resolved after the fault: confirms nothing then
  ledger.fault(100);
  return ledger;
}

Deno.test("ledger: only messages after the last flush confirmed before the fault are excused", () => {
  const ledger = history();
  assertEquals(ledger.confirmedBefore(100), 2);
  assertEquals(ledger.loss(new Set([0, 1, 4, 5])), {
    offline: [],
    confirmed: [],
    withoutFault: [],
    unconfirmed: [2, 3],
  });
});

Deno.test("ledger: a confirmed, a buffered and a fault-less loss are each reported", () => {
  const ledger = history();
  assertEquals(ledger.loss(new Set([2, 3])), {
    offline: [4],
    confirmed: [0, 1],
    withoutFault: [5],
    unconfirmed: [],
  });
  // judging only the first five leaves the message still on its way out of it
  assertEquals(ledger.loss(new Set([0, 1, 2, 3, 4]), 5).withoutFault, []);
});
