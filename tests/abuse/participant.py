"""A meeting participant in its own process, for tests that kill it.

    python -m tests.abuse.participant URL FINGERPRINT MEETING_ID PASSCODE NAME

Joins (real signaling and a real peer connection on 127.0.0.1), sends a colour
and a tone, prints ``JOINED <pid>`` and then stays until killed (at most
``LIFETIME`` seconds, so a forgotten child never lingers).
"""

from __future__ import annotations

import asyncio
import sys

from tests.abuse import loopback

loopback.patch()

from app.core import protocol as p  # noqa: E402
from tests.server.harness import Guest  # noqa: E402

LIFETIME = 120.0


async def main(url: str, fingerprint: str, meeting_id: str, passcode: str, name: str) -> int:
    guest = Guest(name)
    await guest.connect(url, fingerprint)
    reply = await guest.join(meeting_id, passcode=passcode)
    if not isinstance(reply, p.Joined):
        print(f"REFUSED {reply}", flush=True)
        return 1
    await guest.start_media((240, 140, 20), 330.0)
    print(f"JOINED {guest.pid}", flush=True)
    await asyncio.sleep(LIFETIME)
    await guest.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:6])))
