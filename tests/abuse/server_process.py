"""The meeting server as a child process for abuse tests: ``app.server``'s own
entry point (``--embedded`` or standalone), with WebRTC media on 127.0.0.1 only
and a ``/test-stats`` endpoint that reports the sizes of the server's internal
structures (meetings, connections, limiter entries, relay sessions).

    python -m tests.abuse.server_process [app.server arguments]
"""

from __future__ import annotations

import asyncio
import gc
import sys

from aiohttp import web
from aiortc import RTCPeerConnection

from tests.abuse import loopback

loopback.patch()

import app.server.__main__ as entry  # noqa: E402
from app.server.server import MeetingServer  # noqa: E402


class StatsServer(MeetingServer):
    def application(self) -> web.Application:
        app = super().application()
        app.router.add_get("/test-stats", self._stats)
        app.on_startup.append(self._watch_loop)
        self._worst_lag = 0.0
        return app

    async def _watch_loop(self, app: web.Application) -> None:
        self._lag_task = asyncio.ensure_future(self._lag())

    async def _lag(self) -> None:
        """The longest the event loop was late waking a 10 ms sleep (since last read)."""
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.01)
            self._worst_lag = max(self._worst_lag, loop.time() - before - 0.01)

    async def _stats(self, request: web.Request) -> web.Response:
        gc.collect()
        rooms = list(self.rooms.values())
        return web.json_response(
            {
                "rooms": len(rooms),
                "connections": len(self.connections),
                "room_connections": sum(len(r.connections) for r in rooms),
                "participants": sum(len(r.meeting.participants) for r in rooms),
                "lobby": sum(len(r.meeting.lobby) for r in rooms),
                "tickets": sum(len(r.meeting._tickets) for r in rooms),
                "relay_peers": sum(len(r.relay.peers) for r in rooms),
                "address_limiter": len(self.address_limiter),
                "meeting_limiter": len(self.meeting_limiter),
                "peer_connections": sum(isinstance(o, RTCPeerConnection) for o in gc.get_objects()),
                "tasks": len(asyncio.all_tasks()),
                "relay_skips": sum(
                    track.skips
                    for r in rooms
                    for peer in r.relay.peers.values()
                    for track in peer._tracks.values()
                ),
                "forwarded": sum(
                    pub.forwarded
                    for r in rooms
                    for peer in r.relay.peers.values()
                    for pub in peer.publications.values()
                    if pub.is_video
                ),
                "worst_loop_lag_ms": round(1000 * self._take_lag()),
            }
        )

    def _take_lag(self) -> float:
        lag, self._worst_lag = self._worst_lag, 0.0
        return lag


if __name__ == "__main__":
    setattr(entry, "MeetingServer", StatsServer)  # noqa: B010 - replace what main() uses
    sys.exit(entry.main(sys.argv[1:]))
