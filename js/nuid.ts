/**
 * NUIDs as nats.deno generates them, in JS: 22 characters of base36 (`0-9A-Z`), a 12-character
 * crypto-random prefix followed by a 10-character sequence that grows by a random step of 33-333;
 * the prefix is redrawn when the sequence overflows. `nuid` is the shared instance.
 *
 * Must not: be used for anything secret (the sequence is predictable by design).
 */

const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const base = 36;
const preLen = 12;
const seqLen = 10;
const maxSeq = 3656158440062976; // 36^10
const minInc = 33;
const maxInc = 333;
const totalLen = preLen + seqLen;

function fillRandom(a: Uint8Array): void {
  if (globalThis.crypto?.getRandomValues) {
    globalThis.crypto.getRandomValues(a);
  } else {
    for (let i = 0; i < a.length; i++) a[i] = Math.floor(Math.random() * 255);
  }
}

/** A NUID generator. */
export class Nuid {
  buf: Uint8Array;
  seq!: number;
  inc!: number;
  inited: boolean;

  constructor() {
    this.buf = new Uint8Array(totalLen);
    this.inited = false;
  }

  /** Draws a new prefix, sequence and increment. */
  private init(): void {
    this.inited = true;
    this.setPre();
    this.initSeqAndInc();
    this.fillSeq();
  }

  private initSeqAndInc(): void {
    this.seq = Math.floor(Math.random() * maxSeq);
    this.inc = Math.floor(Math.random() * (maxInc - minInc) + minInc);
  }

  private setPre(): void {
    const cbuf = new Uint8Array(preLen);
    fillRandom(cbuf);
    for (let i = 0; i < preLen; i++) {
      this.buf[i] = digits.charCodeAt(cbuf[i] % base);
    }
  }

  private fillSeq(): void {
    let n = this.seq;
    for (let i = totalLen - 1; i >= preLen; i--) {
      this.buf[i] = digits.charCodeAt(n % base);
      n = Math.floor(n / base);
    }
  }

  /** The next NUID. */
  next(): string {
    if (!this.inited) this.init();
    this.seq += this.inc;
    if (this.seq > maxSeq) {
      this.setPre();
      this.initSeqAndInc();
    }
    this.fillSeq();
    return String.fromCharCode.apply(String, this.buf as unknown as number[]);
  }

  /** Draws a new prefix and sequence. */
  reset(): void {
    this.init();
  }
}

/** The shared NUID generator. */
export const nuid: Nuid = new Nuid();
