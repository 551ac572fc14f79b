import { assert, assertEquals } from "../helpers/assert.ts";
import { ErrorCode, isNatsError, NatsError, recordError, toNatsError } from "../../js/errors.ts";

Deno.test("errors - ErrorCode values are nats.deno's", () => {
  assertEquals(ErrorCode.ApiError, "BAD API");
  assertEquals(ErrorCode.NoResponders, "503");
  assertEquals(ErrorCode.JetStreamNotEnabled, "503");
  assertEquals(ErrorCode.JetStreamInvalidAck, "JESTREAM_INVALID_ACK");
  assertEquals(ErrorCode.JetStream409MaxAckPendingExceeded, "409");
  assertEquals(ErrorCode.ProtocolError, "NATS_PROTOCOL_ERR");
  assertEquals(ErrorCode.NotFunction, "NOT_FUNC");
  assertEquals(ErrorCode.ServerOptionNotAvailable, "SERVER_OPT_NA");
  // nats.deno's 39 members plus the nats-wasm extension SlowConsumer
  assertEquals(ErrorCode.SlowConsumer, "SLOW_CONSUMER");
  assertEquals(Object.keys(ErrorCode).length, 40);
});

Deno.test("errors - NatsError shape and predicates", () => {
  const e = new NatsError("m", ErrorCode.AuthorizationViolation);
  assert(e instanceof Error);
  assertEquals(e.name, "NatsError");
  assertEquals(e.message, "m");
  assert(e.isAuthError());
  assert(!e.isPermissionError());
  assert(new NatsError("", ErrorCode.AccountExpired).isAuthError());
  assert(new NatsError("", ErrorCode.AuthenticationExpired).isAuthError());
  assert(new NatsError("", ErrorCode.AuthenticationTimeout).isAuthTimeout());
  assert(new NatsError("", ErrorCode.PermissionsViolation).isPermissionError());
  assert(new NatsError("", ErrorCode.ProtocolError).isProtocolError());
  assert(!e.isJetStreamError());
  assertEquals(e.jsError(), null);
  e.api_error = { code: 404, description: "stream not found", err_code: 10059 };
  assert(e.isJetStreamError());
  assertEquals(e.jsError()?.err_code, 10059);
  assert(isNatsError(e));
  assert(!isNatsError(new Error("x")));
});

Deno.test("errors - errorForCode messages", () => {
  assertEquals(NatsError.errorForCode(ErrorCode.BadJson).message, "Bad JSON");
  assertEquals(NatsError.errorForCode(ErrorCode.Timeout).message, "TIMEOUT");
  const chained = new Error("inner");
  const e = NatsError.errorForCode(ErrorCode.BadPayload, chained);
  assertEquals(e.code, "BAD_PAYLOAD");
  assertEquals(e.chainedError, chained);
});

Deno.test("errors - toNatsError rewraps engine errors", () => {
  const raw = Object.assign(new Error("subject is empty"), { code: "BAD_SUBJECT" });
  const e = toNatsError(raw);
  assert(e instanceof NatsError);
  assertEquals(e.code, "BAD_SUBJECT");
  assertEquals(e.message, "subject is empty");
  const same = new NatsError("x", ErrorCode.Timeout);
  assertEquals(toNatsError(same), same);
  const plain = toNatsError(new TypeError("t"));
  assertEquals(plain.code, ErrorCode.Unknown);
  assertEquals(toNatsError("s").message, "s");
});

Deno.test("errors - recordError with a permission context", () => {
  const e = recordError(
    "PERMISSIONS_VIOLATION",
    'Permissions Violation for Subscription to "foo"',
    '{"operation":"subscription","subject":"foo","queue":"q"}',
  );
  assert(e.isPermissionError());
  assertEquals(e.permissionContext, { operation: "subscription", subject: "foo", queue: "q" });
  const t = recordError("TIMEOUT", "");
  assertEquals(t.message, "TIMEOUT");
  assertEquals(t.permissionContext, undefined);
  assertEquals(recordError("X", "m", "{bad").permissionContext, undefined);
});
