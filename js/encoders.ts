/**
 * Shared byte/string helpers: the one `TextEncoder` and `TextDecoder` of the shim, `Empty`, and
 * `decodeAscii`, which turns short protocol strings (subjects, reply subjects) into JS strings
 * without a `TextDecoder` call when every byte is ASCII.
 *
 * Must not: allocate per call beyond the result string, or hold state other than the two codecs.
 */

/** An empty payload (`new Uint8Array(0)`). */
export const Empty: Uint8Array = new Uint8Array(0);

/** The shim's single UTF-8 encoder. */
export const TE: TextEncoder = new TextEncoder();
/** The shim's single UTF-8 decoder. */
export const TD: TextDecoder = new TextDecoder();

/** The char codes of the string `decodeAscii` is making (reused: one call at a time). */
const asciiCodes: number[] = [];

/**
 * Decodes `len` bytes of `buf` from `off`: an ASCII fast path, one `String.fromCharCode` over the
 * bytes when all are below 0x80 (subjects up to 64 bytes), `TextDecoder` otherwise. One call
 * makes a flat string: appending char by char made a chain that each later use had to flatten,
 * about twice the time for a 30-byte subject (measured in Deno, 200 against 100 ns).
 */
export function decodeAscii(buf: Uint8Array, off: number, len: number): string {
  if (len === 0) return "";
  const end = off + len;
  if (len > 64) return TD.decode(buf.subarray(off, end));
  const codes = asciiCodes;
  codes.length = len;
  for (let i = off; i < end; i++) {
    const c = buf[i];
    if (c >= 0x80) return TD.decode(buf.subarray(off, end));
    codes[i - off] = c;
  }
  return String.fromCharCode.apply(null, codes);
}
