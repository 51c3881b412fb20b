"""The relay really forwards without decoding (the seams themselves: tests/rtc)."""

from __future__ import annotations

import av

from app.core.roles import MediaKind
from app.server.relay import Publication
from tests.server.conftest import RunningServer
from tests.server.test_meeting_flow import RED, guest_joins, host_meeting


async def test_relay_forwards_packets_without_decoding(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    viewer = await guest_joins(running, created, "Viewer")
    await host.start_media(RED, 440)
    await viewer.start_media()
    assert host.pid is not None
    await viewer.wait_for(lambda: viewer.frames_from(host.pid, MediaKind.VIDEO) > 10, 20)
    room = running.server.rooms[created.meeting_id]
    publications: list[Publication] = list(room.relay.peers[host.pid].publications.values())
    assert {pub.kind for pub in publications} == set(MediaKind)
    sending = [pub for pub in publications if pub.kind is not MediaKind.SCREEN]
    for pub in sending:
        assert pub.forwarded > 0
        # What the relay's receiver yields is still encoded.
        assert isinstance(await pub.track.recv(), av.Packet)
    screen = next(pub for pub in publications if pub.kind is MediaKind.SCREEN)
    assert screen.forwarded == 0  # no screen share: nothing forwarded
    for guest in (host, viewer):
        await guest.close()
