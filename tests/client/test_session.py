"""The session controller against a real embedded server (child process), with
real devices where the machine has them: OpenCV reading a video file as the
camera, the test pattern, a synthetic voice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.client.devices import LocalDevices
from app.client.session import MeetingSession
from app.client.state import PATTERN, SELF, SYNTHETIC, DeviceState, MediaConfig, Status, TileKey
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.invite import Invite
from app.core.roles import MediaKind
from app.media.pattern import read_counter
from app.server.embedded import EmbeddedServer
from tests.client.recorder import Recorder
from tests.fixtures.xvfb import paint_screen

ORANGE = (240, 140, 20)
PURPLE = (130, 40, 200)


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real video file (orange with a moving bar) that OpenCV plays as a camera."""
    path = tmp_path_factory.mktemp("camera") / "orange.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (640, 480))
    for i in range(60):
        image = np.zeros((480, 640, 3), np.uint8)
        image[:] = ORANGE[::-1]  # OpenCV writes BGR
        image[:, (i * 8) % 600 : (i * 8) % 600 + 40] = 255
        writer.write(image)
    writer.release()
    assert path.stat().st_size > 0
    return path


class Party:
    def __init__(self, name: str, config: MediaConfig) -> None:
        self.recorder = Recorder(name)
        self.session = MeetingSession(self.recorder, DeviceKey.generate(), LocalDevices(config))

    async def close(self) -> None:
        if self.session.status not in (Status.CLOSED, Status.IDLE):
            await self.session.leave()
        await self.session.close()


def pattern(name: str, **options: object) -> MediaConfig:
    return MediaConfig(camera=PATTERN, microphone=SYNTHETIC, pattern_label=name, **options)  # type: ignore[arg-type]


@pytest.fixture
async def parties() -> AsyncIterator[list[Party]]:
    created: list[Party] = []
    yield created
    for party in created:
        await party.close()


async def host_and_guest(
    server: EmbeddedServer, parties: list[Party], guest_config: MediaConfig | None = None
) -> tuple[Party, Party, Invite]:
    host = Party("Host", pattern("Host"))
    guest = Party("Guest", guest_config or pattern("Guest"))
    parties += [host, guest]
    hosted = await host.session.create_meeting(
        server.host,
        server.port,
        server.fingerprint,
        server.create_token,
        "Host",
        waiting_room=False,
    )
    assert hosted is not None and hosted.invite.passcode and len(hosted.host_key) == 6
    assert await guest.session.join(hosted.invite, "Guest") is Status.JOINED
    await host.recorder.wait_for(
        lambda: host.recorder.view and len(host.recorder.view.participants) == 2
    )
    return host, guest, hosted.invite


def guest_pid(host: Party) -> str:
    view = host.recorder.view
    assert view is not None
    return next(x.pid for x in view.participants if x.name == "Guest")


async def test_camera_file_pattern_and_voice_are_exchanged(
    server: EmbeddedServer, parties: list[Party], camera_file: Path
) -> None:
    host, guest, _ = await host_and_guest(
        server, parties, MediaConfig(camera=str(camera_file), microphone=SYNTHETIC)
    )
    for party in (host, guest):
        await party.session.set_media(MediaKind.VIDEO, True)
        await party.session.set_media(MediaKind.AUDIO, True)
    g = guest_pid(host)
    host_pid = host.session.pid
    assert host_pid is not None
    # The host sees the guest's file camera: orange pixels.
    tile = TileKey(g, MediaKind.VIDEO)
    await host.recorder.wait_for(lambda: host.recorder.frames[tile] > 15, timeout=20)
    # The median ignores the moving white bar.
    centre = np.median(host.recorder.last_image[tile][100:380].reshape(-1, 3), axis=0)
    assert np.allclose(centre, ORANGE, atol=30), centre
    # The guest sees the host's pattern, whose frame counter survives VP8.
    host_tile = TileKey(host_pid, MediaKind.VIDEO)
    await guest.recorder.wait_for(lambda: guest.recorder.frames[host_tile] > 15, timeout=20)
    assert read_counter(guest.recorder.last_image[host_tile]) is not None
    # Self view and local state.
    assert guest.recorder.frames[TileKey(SELF)] > 0
    assert guest.recorder.local.camera_on and guest.recorder.local.camera is DeviceState.LIVE
    # Voices: the speaking indicator follows the synthetic voice.
    await guest.recorder.wait_for(lambda: host_pid in guest.recorder.speaking, timeout=10)


async def test_obeys_the_host_and_can_turn_media_back_on(
    server: EmbeddedServer, parties: list[Party]
) -> None:
    host, guest, _ = await host_and_guest(server, parties)
    await guest.session.set_media(MediaKind.AUDIO, True)
    await guest.session.set_media(MediaKind.VIDEO, True)
    g = guest_pid(host)
    await host.recorder.wait_for(
        lambda: any(x.pid == g and x.audio_on for x in host.recorder.view.participants)
    )
    await host.session.send(p.Mute(pid=g))
    await guest.recorder.wait_for(lambda: not guest.recorder.local.mic_on)
    assert not guest.session.devices.running(MediaKind.AUDIO)  # stopped, not silenced
    assert guest.recorder.local.camera_on  # only the microphone
    # Unmuting is not allowed: the client refuses locally with a reason.
    await host.session.send(p.SetPermission(permission="unmute", allowed=False))
    await guest.recorder.wait_for(lambda: not guest.recorder.view.permissions["unmute"])
    await guest.session.set_media(MediaKind.AUDIO, True)
    assert guest.recorder.errors[-1][0] is Code.PERMISSION_OFF
    assert not guest.recorder.local.mic_on
    # Asked to unmute: allowed once.
    await host.session.send(p.AskToUnmute(pid=g))
    await guest.recorder.wait_for(
        lambda: any(n.kind == "asked_to_unmute" for n in guest.recorder.notices)
    )
    await guest.recorder.wait_for(lambda: guest.recorder.view.asked_to_unmute)
    await guest.session.set_media(MediaKind.AUDIO, True)
    await host.recorder.wait_for(
        lambda: any(x.pid == g and x.audio_on for x in host.recorder.view.participants)
    )
    # Suspend: everything stops locally too.
    await host.session.send(p.Suspend())
    await guest.recorder.wait_for(
        lambda: not guest.recorder.local.mic_on and not guest.recorder.local.camera_on
    )
    # Removed: the session ends with the reason.
    await host.session.send(p.Remove(pid=g))
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.CLOSED)
    assert guest.recorder.statuses[-1] == (Status.CLOSED, Code.REMOVED)


async def test_missing_devices_leave_the_meeting_running(
    server: EmbeddedServer, parties: list[Party]
) -> None:
    host, guest, _ = await host_and_guest(
        server, parties, MediaConfig(camera=57, microphone="no such microphone")
    )
    await guest.session.set_media(MediaKind.VIDEO, True)
    await guest.session.set_media(MediaKind.AUDIO, True)
    await guest.recorder.wait_for(
        lambda: guest.recorder.local.camera is DeviceState.UNAVAILABLE, timeout=15
    )
    await guest.recorder.wait_for(
        lambda: guest.recorder.local.microphone is DeviceState.UNAVAILABLE
    )
    # The call goes on: chat still works both ways.
    await guest.session.chat("still here ما زلت هنا")
    await host.recorder.wait_for(lambda: host.recorder.chats)
    assert host.recorder.chats[0].text == "still here ما زلت هنا"
    assert guest.session.status is Status.JOINED


async def test_join_failures_are_reported(server: EmbeddedServer, parties: list[Party]) -> None:
    _, _, invite = await host_and_guest(server, parties)
    wrong = Party("Wrong", pattern("W"))
    parties.append(wrong)
    bad = Invite(invite.host, invite.port, invite.meeting_id, "WRONGPWD", invite.fingerprint)
    assert await wrong.session.join(bad, "W") is Status.CLOSED
    assert wrong.recorder.statuses[-1] == (Status.CLOSED, Code.BAD_CREDENTIALS)
    forged = Invite(invite.host, invite.port, invite.meeting_id, invite.passcode, "ab" * 32)
    await wrong.session.join(forged, "W")
    assert wrong.recorder.statuses[-1] == (Status.CLOSED, Code.CERTIFICATE_MISMATCH)
    nowhere = Invite("127.0.0.1", 9, invite.meeting_id, invite.passcode, invite.fingerprint)
    await wrong.session.join(nowhere, "W")
    assert wrong.recorder.statuses[-1] == (Status.CLOSED, Code.UNREACHABLE)


async def test_people_come_and_go_without_interrupting_others(
    server: EmbeddedServer, parties: list[Party]
) -> None:
    host, guest, invite = await host_and_guest(server, parties)
    await host.session.set_media(MediaKind.VIDEO, True)
    host_pid = host.session.pid
    assert host_pid is not None
    tile = TileKey(host_pid, MediaKind.VIDEO)
    await guest.recorder.wait_for(lambda: guest.recorder.frames[tile] > 5, timeout=20)
    third = Party("Third", pattern("Third"))
    parties.append(third)
    await third.session.join(invite, "Third")
    await third.session.set_media(MediaKind.VIDEO, True)
    third_pid = third.session.pid
    assert third_pid is not None
    await guest.recorder.wait_for(
        lambda: guest.recorder.frames[TileKey(third_pid, MediaKind.VIDEO)] > 5, timeout=20
    )
    await third.session.leave()
    await guest.recorder.wait_for(
        lambda: TileKey(third_pid, MediaKind.VIDEO) in guest.recorder.closed_tiles
    )
    before = guest.recorder.frames[tile]
    # The host's video keeps flowing (how fast depends on the machine's load).
    await guest.recorder.wait_for(lambda: guest.recorder.frames[tile] > before + 10, timeout=5)


async def test_reconnects_after_the_connection_drops(
    server: EmbeddedServer, parties: list[Party]
) -> None:
    host, guest, _ = await host_and_guest(server, parties)
    old_pid = guest.session.pid
    signaling = guest.session._signaling
    assert signaling is not None
    await signaling.close()  # the network goes away under the session
    await guest.recorder.wait_for(
        lambda: (Status.RECONNECTING, None) in guest.recorder.statuses, timeout=10
    )
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.JOINED, timeout=20)
    assert guest.session.pid == old_pid
    await host.recorder.wait_for(
        lambda: [x.pid for x in host.recorder.view.participants].count(old_pid) == 1
    )


async def test_screen_share_reaches_others_and_stops(
    server: EmbeddedServer, parties: list[Party], xvfb_display: str
) -> None:
    paint_screen(xvfb_display, PURPLE)
    host, guest, _ = await host_and_guest(
        server, parties, pattern("Guest", screen_display=xvfb_display)
    )
    await guest.session.set_media(MediaKind.SCREEN, True)
    g = guest_pid(host)
    tile = TileKey(g, MediaKind.SCREEN)
    await host.recorder.wait_for(lambda: host.recorder.frames[tile] > 3, timeout=20)
    image = host.recorder.last_image[tile]
    assert image.shape[1] <= 1920  # full screens are scaled to at most 1920 wide
    centre = np.median(image[image.shape[0] // 4 : -image.shape[0] // 4].reshape(-1, 3), axis=0)
    assert np.allclose(centre, PURPLE, atol=30), centre
    assert guest.recorder.frames[TileKey(SELF, MediaKind.SCREEN)] > 0  # own preview
    await host.recorder.wait_for(
        lambda: any(x.pid == g and x.screen_on for x in host.recorder.view.participants)
    )
    await guest.session.set_media(MediaKind.SCREEN, False)
    await host.recorder.wait_for(
        lambda: not any(x.pid == g and x.screen_on for x in host.recorder.view.participants)
    )
    assert not guest.session.devices.running(MediaKind.SCREEN)
