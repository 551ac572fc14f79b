/**
 * The words of one batch record as the engine writes them (src/client/batch.rs), for unit tests
 * that build batches by hand: one home for the word order, so a layout change is made here.
 */
import { BODY_IN_ARENA } from "../../js/records.ts";

/**
 * kind, id, arena offset, the four field lengths, extra, and where the body is in the frame
 * (`BODY_IN_ARENA`: every field is in the arena, back to back from the offset).
 */
export function recordWords(
  kind: number,
  id: number,
  off: number,
  lens: number[],
  extra = 0,
  body = BODY_IN_ARENA,
): number[] {
  return [kind, id, off, lens[0] ?? 0, lens[1] ?? 0, lens[2] ?? 0, lens[3] ?? 0, extra, body];
}
