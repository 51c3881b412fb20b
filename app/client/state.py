"""What the session controller tells the UI: plain data, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.core.invite import Invite
from app.core.roles import MediaKind
from app.media.processing import ProcessingConfig


class Status(StrEnum):
    IDLE = "idle"
    CONNECTING = "connecting"
    WAITING = "waiting"  # in the waiting room
    JOINED = "joined"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"  # see the accompanying Code for why


class DeviceState(StrEnum):
    OFF = "off"
    STARTING = "starting"
    LIVE = "live"
    UNAVAILABLE = "unavailable"  # missing, busy or unplugged: the meeting goes on without it


@dataclass(frozen=True)
class LocalMedia:
    """The user's own media as the UI shows it on the toolbar and in settings."""

    mic_on: bool = False
    camera_on: bool = False
    screen_on: bool = False
    camera: DeviceState = DeviceState.OFF
    microphone: DeviceState = DeviceState.OFF
    speaker: DeviceState = DeviceState.OFF
    screen: DeviceState = DeviceState.OFF
    mic_level_db: float = -120.0


@dataclass(frozen=True)
class TileKey:
    """One video tile: a participant's camera or screen; ``pid == SELF`` is the self view."""

    pid: str
    kind: MediaKind = MediaKind.VIDEO


SELF = "self"


@dataclass(frozen=True)
class HostedMeeting:
    """Shown once to the host after "New meeting": passcode and host key with copy buttons."""

    invite: Invite
    host_key: str
    host_secret: str = field(repr=False)


@dataclass(frozen=True)
class MediaConfig:
    """Device choices (Settings). ``camera`` is an index, a video file path or
    ``PATTERN``; ``microphone`` a device name, None for the system default, or
    ``SYNTHETIC`` (a generated voice: simulated guests, machines without a mic)."""

    camera: int | str = 0
    microphone: str | None = None
    speaker: str | None = None
    width: int = 640
    height: int = 480
    fps: int = 30
    screen_monitor: int = 1
    screen_fps: int = 10
    screen_display: str | None = None  # X display to capture (None: $DISPLAY)
    pattern_label: str = "Liqaa"  # the name drawn on the test pattern
    voice_frequency: float = 220.0  # pitch of the synthetic voice
    # Echo cancellation, noise suppression, gain; applied when the mic (re)starts.
    processing: ProcessingConfig = field(default_factory=ProcessingConfig)


PATTERN = "pattern"
SYNTHETIC = "synthetic"
