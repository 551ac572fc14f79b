// Helpers of the cluster suite (tests/cluster/run.sh): the three nodes' URLs, fault injection
// through tests/cluster/servers.sh (kill, restart, freeze, thaw, lame-duck), a way to wait for a
// healthy cluster, and a tracker that records what a client published and received so a test can
// account for every message. Only 127.0.0.1, ports 17100-17199.
import type { NatsConnection, Status } from "../helpers/deps.ts";
import { within } from "../helpers/helpers.ts";

const SCRIPT = new URL("./servers.sh", import.meta.url).pathname;

export type Node = "n1" | "n2" | "n3";
export const NODES: Node[] = ["n1", "n2", "n3"];

/** WebSocket port of node nI is 1711I (tests/cluster/nI.conf). */
export function wsUrl(n: Node): string {
  return `ws://127.0.0.1:1711${n.slice(1)}`;
}
export function hostPort(n: Node): string {
  return `127.0.0.1:1711${n.slice(1)}`;
}
/** The node behind a `host:port` (as getServer() and status data give it). */
export function nodeOf(hp: string): Node | undefined {
  return NODES.find((n) => hostPort(n) === hp);
}

/** Runs `servers.sh <args>` and fails with its output when it fails. */
export async function servers(...args: string[]): Promise<string> {
  const out = await new Deno.Command("bash", { args: [SCRIPT, ...args], stdin: "null" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`servers.sh ${args.join(" ")} failed:\n${text}`);
  return text.trim();
}

/** All three nodes running (thawed) and routed to each other. */
export async function healthyCluster(): Promise<void> {
  for (const n of NODES) {
    await servers("thaw", n).catch(() => {}); // only a running node can be frozen
  }
  await servers("start", "cluster");
  await servers("wait-cluster");
}

/**
 * SIGKILL to every node in `nodes` at the same moment, sent from here so that the moment is
 * known; returns it (ms, performance.now()) once the processes are gone.
 */
export async function killNow(...nodes: Node[]): Promise<number> {
  const pids = await Promise.all(nodes.map(async (n) => Number(await servers("pid", n))));
  const at = performance.now();
  for (const pid of pids) Deno.kill(pid, "SIGKILL");
  for (const n of nodes) await servers("kill", n); // waits until the process is gone
  return at;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 20 ms until it holds, failing after `ms`. */
export async function until(cond: () => boolean, ms: number, label: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${label}`);
    await sleep(20);
  }
}

/** Resolves once `nc` knows all three nodes (INFO connect_urls). */
export function discovered(nc: NatsConnection, ms = 10_000): Promise<void> {
  return until(
    () => NODES.every((n) => nc.info?.connect_urls?.includes(hostPort(n))),
    ms,
    `all nodes in connect_urls (${nc.info?.connect_urls})`,
  );
}

/**
 * Tracks the connection state as the status events report it, synchronously enough for a
 * publisher timer: events are pushed from the engine's batch and this loop runs in the
 * microtasks right after it, before any other timer callback.
 */
export class ConnState {
  connected = true;
  readonly events: { at: number; s: Status }[] = [];
  readonly done: Promise<void>;
  constructor(nc: NatsConnection) {
    const it = nc.status();
    this.done = (async () => {
      for await (const s of it) {
        this.events.push({ at: performance.now(), s });
        if (s.type === "disconnect") this.connected = false;
        if (s.type === "reconnect") this.connected = true;
      }
    })();
  }
  /** Waits (bounded) for the next event of `type` after event index `from`. */
  async next(type: string, from: number, ms: number): Promise<{ at: number; s: Status }> {
    let found: { at: number; s: Status } | undefined;
    await until(
      () => {
        found = this.events.slice(from).find((e) => e.s.type === type);
        return found !== undefined;
      },
      ms,
      `status ${type}; seen ${this.events.slice(from).map((e) => e.s.type)}`,
    );
    return found!;
  }
  stop(ms = 2000): Promise<void> {
    return within(this.done, ms, "status iterator end after close");
  }
}
