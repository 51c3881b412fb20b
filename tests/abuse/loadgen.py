"""Join attempts at a fixed rate, from a process of its own (so the server's event
loop is measured fairly, not slowed by the generator's own work).

    python -m tests.abuse.loadgen URL FINGERPRINT MEETING_ID PASSCODE RATE SECONDS

Every attempt is a new TLS connection, a join with the right passcode (the costly
kind for the server: one argon2 verification each) and, once answered, a leave.
Prints one JSON line at the end: attempts made, answers by kind, timing. It runs
at a lower priority: on one machine it stands in for clients on other machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter

import aiohttp

from app.core import protocol as p
from app.core.devicekey import DeviceKey

ANSWER_TIMEOUT = 10.0


ATTEMPT_SECONDS: list[float] = []


async def attempt(
    http: aiohttp.ClientSession,
    url: str,
    ssl: aiohttp.Fingerprint,
    meeting_id: str,
    passcode: str,
    n: int,
) -> str:
    """One join on a new connection (one HTTP session is shared: less work here)."""
    started = time.monotonic()
    ws: aiohttp.ClientWebSocketResponse | None = None
    try:
        ws = await http.ws_connect(url, ssl=ssl, heartbeat=None)
        welcome = p.decode_server(await ws.receive_str(timeout=ANSWER_TIMEOUT))
        assert isinstance(welcome, p.Welcome)
        key = DeviceKey.generate()
        join = p.Join(
            v=p.PROTOCOL_VERSION,
            meeting_id=meeting_id,
            name=f"Load {n}",
            device_key=key.public_b64,
            device_sig=key.sign(welcome.nonce, meeting_id),
            passcode=passcode,
        )
        await ws.send_str(p.encode(join))
        while True:
            reply = p.decode_server(await ws.receive_str(timeout=ANSWER_TIMEOUT))
            if isinstance(reply, p.JoinFailed):
                return f"join_failed:{reply.code}"
            if isinstance(reply, (p.Joined, p.InWaitingRoom)):
                await ws.send_str(p.encode(p.Leave()))
                return type(reply).__name__
    except TimeoutError:
        return "timeout"
    except Exception as exc:  # a connection refused or dropped is an answer too
        code = ws.close_code if ws is not None else None
        return f"error:{type(exc).__name__}:{code}"
    finally:
        ATTEMPT_SECONDS.append(time.monotonic() - started)
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()


async def main(
    url: str, fingerprint: str, meeting_id: str, passcode: str, rate: float, seconds: float
) -> None:
    total = int(rate * seconds)
    ssl = aiohttp.Fingerprint(bytes.fromhex(fingerprint))
    async with aiohttp.ClientSession() as http:
        started = time.monotonic()
        tasks = []
        for n in range(total):
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            tasks.append(asyncio.ensure_future(attempt(http, url, ssl, meeting_id, passcode, n)))
        sent_in = time.monotonic() - started
        answers = Counter(await asyncio.gather(*tasks))
    ATTEMPT_SECONDS.sort()
    print(
        json.dumps(
            {
                "attempts": total,
                "sent_in": round(sent_in, 2),
                "answers": answers,
                "median_s": round(ATTEMPT_SECONDS[len(ATTEMPT_SECONDS) // 2], 3),
                "p95_s": round(ATTEMPT_SECONDS[int(len(ATTEMPT_SECONDS) * 0.95)], 3),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    from tests.abuse import loopback

    loopback.patch()
    if hasattr(os, "nice"):
        # It stands in for clients on other machines: it may use spare CPU only,
        # not take it from the server it measures.
        os.nice(10)
    url, fingerprint, meeting_id, passcode, rate, seconds = sys.argv[1:7]
    assert url.startswith("wss://127.0.0.1:"), url
    asyncio.run(main(url, fingerprint, meeting_id, passcode, float(rate), float(seconds)))
