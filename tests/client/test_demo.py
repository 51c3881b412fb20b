"""The test meeting's simulated guests against a real embedded server (no Qt):
who gets in, who waits, the raised hand, the chat, and leaving cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from app.client.demo import DEMO_GUESTS, DemoGuests
from app.client.devices import LocalDevices
from app.client.session import MeetingSession
from app.client.state import PATTERN, SYNTHETIC, MediaConfig, Status, TileKey
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.roles import MediaKind
from app.media.pattern import colour_distance, dominant_colour, name_colour
from app.server.embedded import EmbeddedServer, start_embedded_server
from tests.client.recorder import Recorder


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    embedded = start_embedded_server()
    yield embedded
    embedded.stop()


class Host:
    def __init__(self) -> None:
        self.recorder = Recorder("Host")
        config = MediaConfig(camera=PATTERN, microphone=SYNTHETIC, pattern_label="Host")
        self.session = MeetingSession(self.recorder, DeviceKey.generate(), LocalDevices(config))

    def names(self) -> list[str]:
        view = self.recorder.view
        return sorted(x.name for x in view.participants) if view else []

    def lobby(self) -> list[str]:
        view = self.recorder.view
        return [x.name for x in view.lobby] if view else []

    def participant(self, name: str) -> p.ParticipantView:
        assert self.recorder.view is not None
        return next(x for x in self.recorder.view.participants if x.name == name)


@pytest.fixture
async def hosted(server: EmbeddedServer) -> AsyncIterator[tuple[Host, DemoGuests]]:
    host = Host()
    meeting = await host.session.create_meeting(
        server.host, server.port, server.fingerprint, server.create_token, "Host"
    )
    assert meeting is not None
    guests = DemoGuests(pace=0)
    await guests.run(meeting.invite, host.session)
    yield host, guests
    await guests.stop()
    if host.session.status not in (Status.CLOSED, Status.IDLE):
        await host.session.leave()
    await host.session.close()


async def test_guests_join_wait_raise_a_hand_and_chat(hosted: tuple[Host, DemoGuests]) -> None:
    host, guests = hosted
    assert [g.name for g in DEMO_GUESTS] == ["Omar", "Lina", "سارة"]
    # Two admitted by the script (through the host's session), one left waiting.
    await host.recorder.wait_for(lambda: host.names() == ["Host", "Lina", "Omar"], timeout=15)
    assert host.lobby() == ["سارة"]
    assert guests.guest("سارة").status is Status.WAITING
    # Omar's hand is up; everyone in has camera and microphone on.
    await host.recorder.wait_for(lambda: host.participant("Omar").hand_raised)
    await host.recorder.wait_for(
        lambda: all(
            host.participant(n).video_on and host.participant(n).audio_on for n in ("Omar", "Lina")
        )
    )
    # Lina writes in Arabic and in English.
    await host.recorder.wait_for(lambda: len(host.recorder.chats) >= 2)
    texts = [m.text for m in host.recorder.chats]
    assert all(m.from_name == "Lina" for m in host.recorder.chats)
    assert any("مرحبًا" in t for t in texts) and any("Hello everyone" in t for t in texts)
    # The host receives Omar's pattern camera (his colour) and hears the voices.
    omar = host.participant("Omar").pid
    tile = TileKey(omar)
    await host.recorder.wait_for(lambda: host.recorder.frames[tile] > 5, timeout=20)
    seen = dominant_colour(host.recorder.last_image[tile])
    assert colour_distance(seen, name_colour("Omar")) < 30, seen
    await host.recorder.wait_for(lambda: omar in host.recorder.speaking, timeout=15)


async def test_the_waiting_guest_comes_in_with_media_when_admitted(
    hosted: tuple[Host, DemoGuests],
) -> None:
    host, guests = hosted
    await host.recorder.wait_for(lambda: host.lobby() == ["سارة"], timeout=15)
    sara = guests.guest("سارة")
    assert sara.session.pid is not None
    await host.session.send(p.Admit(pid=sara.session.pid))
    await host.recorder.wait_for(lambda: "سارة" in host.names())
    await host.recorder.wait_for(
        lambda: host.participant("سارة").video_on and host.participant("سارة").audio_on
    )
    assert sara.status is Status.JOINED and host.lobby() == []


async def test_guests_leave_cleanly_when_stopped(hosted: tuple[Host, DemoGuests]) -> None:
    host, guests = hosted
    await host.recorder.wait_for(lambda: len(host.names()) == 3, timeout=15)
    await guests.stop()  # what the app does when it closes
    await host.recorder.wait_for(lambda: host.names() == ["Host"] and host.lobby() == [])
    assert all(g.status is Status.CLOSED for g in guests.guests)
    assert all(g.closed_code is None for g in guests.guests)  # they left, nobody threw them out


async def test_guests_leave_when_the_meeting_ends(hosted: tuple[Host, DemoGuests]) -> None:
    host, guests = hosted
    await host.recorder.wait_for(lambda: len(host.names()) == 3, timeout=15)
    # The host ends the meeting: every guest's session closes with "ended".
    await host.session.end_meeting()
    for guest in guests.guests:
        for _ in range(100):
            if guest.status is Status.CLOSED:
                break
            await asyncio.sleep(0.05)
        assert guest.status is Status.CLOSED, guest.name
        assert guest.closed_code is Code.ENDED
    await guests.stop()  # safe after the end, and releases the devices
    assert all(not g.session.devices.running(k) for g in guests.guests for k in MediaKind)
