// decodeAscii (js/encoders.ts), the decoder of every received subject: each length path (short,
// flat, TextDecoder past 64 bytes) gives what TextDecoder gives, ASCII or not, at any offset.
import { assertEquals } from "../helpers/assert.ts";
import { decodeAscii, TE } from "../../js/encoders.ts";

Deno.test("decodeAscii - every length from 0 to 80, ASCII and not, at an offset", () => {
  const td = new TextDecoder();
  for (let len = 0; len <= 80; len++) {
    const ascii = Array.from({ length: len }, (_, i) => String.fromCharCode(0x21 + (i * 7) % 90))
      .join("");
    const bytes = TE.encode(`xyz${ascii}`);
    assertEquals(decodeAscii(bytes, 3, len), ascii, `ascii, ${len} bytes`);
    if (len >= 2) {
      // a two-byte character at the end: the TextDecoder path, the same text
      const text = `${ascii.slice(0, len - 2)}é`;
      const b = TE.encode(`ab${text}`);
      assertEquals(decodeAscii(b, 2, b.length - 2), td.decode(b.subarray(2)), `utf-8, ${len}`);
    }
  }
});
