"""A nats-py `nats.micro` service for the cross-client test (tests/integration/services_cross_client_test.ts).

It connects over TCP, adds the service NAME (endpoint "echo" on SUBJECT answering b"py:" + data,
and raising a ServiceError 418 for the payload b"fail"), prints "ready", then looks up the PEER
service (a nats-wasm one, over WebSocket on the same nats-server): its PING, INFO and STATS
answers and a request to PEER_SUBJECT. It prints them as one JSON line, then keeps serving until
its stdin closes, and stops the service.

It must not talk to anything but the nats-server it is given, or wait without a deadline
(every request has a timeout, and stdin closing ends it).

    python3 tests/services/micro_service.py URL NAME SUBJECT PEER PEER_SUBJECT
"""

import asyncio
import json
import sys

import nats
from nats.micro import add_service
from nats.micro.request import ServiceError

# seconds a control request or a call to the peer may take
TIMEOUT_S = 5


async def main() -> None:
    url, name, subject, peer, peer_subject = sys.argv[1:6]
    nc = await nats.connect(url)

    async def echo(req) -> None:
        if req.data == b"fail":
            raise ServiceError("418", "teapot")
        await req.respond(b"py:" + req.data)

    svc = await add_service(nc, name=name, version="0.1.0", description="nats-py echo", metadata={"lang": "python"})
    await svc.add_endpoint(name="echo", subject=subject, handler=echo, metadata={"kind": "echo"})
    await nc.flush()
    print("ready", flush=True)

    seen = {}
    for verb in ("PING", "INFO", "STATS"):
        m = await nc.request(f"$SRV.{verb}.{peer}", b"", timeout=TIMEOUT_S)
        seen[verb.lower()] = json.loads(m.data)
    r = await nc.request(peer_subject, b"hello", timeout=TIMEOUT_S)
    seen["reply"] = r.data.decode()
    r = await nc.request(peer_subject, b"", timeout=TIMEOUT_S)
    seen["error"] = dict(r.headers or {})
    print(json.dumps(seen), flush=True)

    # serve until the test closes our stdin
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await svc.stop()
    await nc.drain()


asyncio.run(main())
