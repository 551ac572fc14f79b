// Minimal assertions for the integration tests (no network imports: @std is not reachable here).
// Each throws AssertionError with a message that shows expected and actual values.

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length}) [${Array.from(v).join(",")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Error) return `${v.name}(${(v as { code?: string }).code ?? ""}): ${v.message}`;
  try {
    return Deno.inspect(v, { depth: 6, colors: false });
  } catch {
    return String(v);
  }
}

function prefix(msg?: string): string {
  return msg ? `${msg}: ` : "";
}

export function fail(msg: string): never {
  throw new AssertionError(msg);
}

export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

/** Structural equality: primitives, arrays, typed arrays, plain objects, Maps, Sets, Dates. */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return a.constructor === b.constructor && x.length === y.length &&
      x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equal(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && equal(ra[k], rb[k]));
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(`${prefix(msg)}expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) {
    throw new AssertionError(`${prefix(msg)}expected anything but ${show(expected)}`);
  }
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError(`${prefix(msg)}${show(actual)} does not match ${re}`);
  }
}

export function assertInstanceOf<T>(
  v: unknown,
  ctor: new (...args: never[]) => T,
  msg?: string,
): asserts v is T {
  if (!(v instanceof ctor)) {
    throw new AssertionError(`${prefix(msg)}expected an instance of ${ctor.name}, got ${show(v)}`);
  }
}

/** An error carrying a NatsError-like `code`. */
export interface CodedError extends Error {
  code: string;
}

function checkError(
  e: unknown,
  code: string | undefined,
  includes: string | undefined,
  msg?: string,
): CodedError {
  if (!(e instanceof Error)) {
    throw new AssertionError(`${prefix(msg)}expected an Error, got ${show(e)}`);
  }
  const err = e as CodedError;
  if (code !== undefined && err.code !== code) {
    throw new AssertionError(`${prefix(msg)}expected error code ${show(code)}, got ${show(err)}`);
  }
  if (includes !== undefined && !err.message.toLowerCase().includes(includes.toLowerCase())) {
    throw new AssertionError(
      `${prefix(msg)}expected the message to include ${show(includes)}, got ${show(err)}`,
    );
  }
  return err;
}

/** Calls fn, which must throw synchronously an Error with that code (and message fragment). */
export function assertThrows(
  fn: () => unknown,
  code?: string,
  includes?: string,
  msg?: string,
): CodedError {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    return checkError(e, code, includes, msg);
  }
  if (r instanceof Promise) r.catch(() => {});
  throw new AssertionError(
    `${prefix(msg)}expected a throw${code ? ` with code ${code}` : ""}, none happened`,
  );
}

/** Awaits p (or fn()), which must reject with an Error with that code (and message fragment). */
export async function assertRejects(
  p: Promise<unknown> | (() => Promise<unknown>),
  code?: string,
  includes?: string,
  msg?: string,
): Promise<CodedError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return checkError(e, code, includes, msg);
  }
  throw new AssertionError(
    `${prefix(msg)}expected a rejection${code ? ` with code ${code}` : ""}, got a value`,
  );
}
