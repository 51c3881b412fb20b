"""The test meeting (``liqaa --demo``, "Test meeting"): try every feature alone.

The user hosts a meeting on the embedded server, and three simulated guests join
it: real :class:`MeetingSession` objects on the bridge's asyncio thread, with the
test pattern as camera (showing their names) and a synthetic voice as microphone.
The script, through the host's own session:

- admits Omar and Lina from the waiting room; سارة (Sara) stays there, so the
  host can try admit / deny from the Security menu;
- Omar raises his hand;
- Lina writes in the chat, in Arabic and in English.

Guests leave when the meeting ends, when the host leaves, or when the app closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.client.devices import LocalDevices
from app.client.session import MeetingSession, QuietListener
from app.client.state import PATTERN, SYNTHETIC, MediaConfig, Status
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.invite import Invite
from app.core.roles import MediaKind

logger = logging.getLogger(__name__)

# Guests send small pictures at a modest rate: three encoders share the CPU with the app.
GUEST_VIDEO = {"width": 320, "height": 240, "fps": 15}
JOIN_TIMEOUT = 20.0


@dataclass(frozen=True)
class GuestScript:
    name: str
    #: Drawn on the test pattern (its font has Latin letters only).
    pattern_label: str
    voice_frequency: float
    #: Admitted by the script; False: stays in the waiting room for the host.
    admit: bool = True
    raise_hand: bool = False
    chat: tuple[str, ...] = ()


DEMO_GUESTS: tuple[GuestScript, ...] = (
    GuestScript("Omar", "Omar", 140.0, raise_hand=True),
    GuestScript(
        "Lina",
        "Lina",
        260.0,
        chat=(
            "مرحبًا بالجميع! هذا اجتماع تجريبي في لقاء.",
            "Hello everyone! This is a Liqaa test meeting.",
        ),
    ),
    GuestScript("سارة", "Sara", 210.0, admit=False),
)


class DemoGuest(QuietListener):
    """One simulated guest: a session whose listener only turns its media on once in."""

    def __init__(self, script: GuestScript) -> None:
        self.script = script
        config = MediaConfig(
            camera=PATTERN,
            microphone=SYNTHETIC,
            pattern_label=script.pattern_label,
            voice_frequency=script.voice_frequency,
            **GUEST_VIDEO,  # type: ignore[arg-type]
        )
        self.session = MeetingSession(self, DeviceKey.generate(), LocalDevices(config))
        self.joined = asyncio.Event()
        self.closed_code: Code | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def name(self) -> str:
        return self.script.name

    @property
    def status(self) -> Status:
        return self.session.status

    async def join(self, invite: Invite) -> Status:
        # Start the pattern camera and the voice first: when the host lets us in, the
        # session sends them at once (and only then tells the server they are on).
        await self.session.set_media(MediaKind.VIDEO, True)
        await self.session.set_media(MediaKind.AUDIO, True)
        return await self.session.join(invite, self.script.name)

    async def _media_on(self) -> None:
        for kind in (MediaKind.VIDEO, MediaKind.AUDIO):
            if self.session.status is Status.JOINED:
                await self.session.set_media(kind, True)
        self.joined.set()

    async def leave(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            if self.session.status not in (Status.IDLE, Status.CLOSED):
                await self.session.leave()
        with contextlib.suppress(Exception):
            await self.session.close()

    # ------------------------------------------------------------ SessionListener

    def status_changed(self, status: Status, code: Code | None) -> None:
        if status is Status.JOINED:
            task = asyncio.ensure_future(self._media_on())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif status is Status.WAITING:
            self.joined.clear()
        elif status is Status.CLOSED:
            self.closed_code = code
            self.joined.clear()

    def error(self, code: Code, detail: str) -> None:
        logger.debug("demo guest %s: %s %s", self.name, code, detail)


class DemoGuests:
    """The guests and their script (Qt-free; runs on the host session's event loop)."""

    def __init__(self, scripts: tuple[GuestScript, ...] = DEMO_GUESTS, pace: float = 1.0) -> None:
        self.scripts = scripts
        #: Seconds between the script's steps (0 in tests), so a person sees them happen.
        self.pace = pace
        self.guests: list[DemoGuest] = []
        self._stopped = False

    def guest(self, name: str) -> DemoGuest:
        return next(g for g in self.guests if g.name == name)

    async def run(self, invite: Invite, host: MeetingSession) -> None:
        """Join every guest, admit those the script admits, then raise a hand and chat."""
        for script in self.scripts:
            if self._stopped:
                return
            guest = DemoGuest(script)
            self.guests.append(guest)
            status = await guest.join(invite)
            if status is Status.WAITING and script.admit:
                assert guest.session.pid is not None
                await host.send(p.Admit(pid=guest.session.pid))
            elif status is Status.CLOSED:
                logger.warning("demo guest %s could not join: %s", script.name, guest.closed_code)
            await asyncio.sleep(self.pace)
        admitted = [g for g in self.guests if g.script.admit]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(g.joined.wait() for g in admitted)), JOIN_TIMEOUT
            )
        for guest in admitted:
            if self._stopped or guest.status is not Status.JOINED:
                continue
            if guest.script.raise_hand:
                await asyncio.sleep(self.pace)
                await guest.session.send(p.RaiseHand(up=True))
            for text in guest.script.chat:
                await asyncio.sleep(self.pace)
                await guest.session.chat(text)

    async def stop(self) -> None:
        self._stopped = True
        await asyncio.gather(*(g.leave() for g in self.guests), return_exceptions=True)


class DemoMeeting(QObject):
    """Starts the test meeting on a :class:`~app.client.bridge.SessionBridge` and runs
    the guests on its loop. ``ready`` when the script has played (or given up)."""

    ready = Signal()
    # Emitted on the loop thread when the script finishes; re-emitted as ``ready``.
    _finished = Signal()

    def __init__(
        self,
        bridge: Any,  # SessionBridge (Any: avoids importing Qt bridge types at import time)
        *,
        scripts: tuple[GuestScript, ...] = DEMO_GUESTS,
        pace: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.guests = DemoGuests(scripts, pace)
        self.active = False
        self.finished = False
        self._waiting_for_hosted = False
        self._finished.connect(self._on_finished)

    def start(self, host_name: str) -> None:
        """Host the meeting (the embedded server starts if needed); guests follow."""
        self.active = True
        self._waiting_for_hosted = True
        self.bridge.hosted.connect(self._on_hosted)
        self.bridge.status_changed.connect(self._on_status)
        self.bridge.host_new_meeting(host_name, lan=False, waiting_room=True)

    def _disconnect_hosted(self) -> None:
        if self._waiting_for_hosted:
            self._waiting_for_hosted = False
            self.bridge.hosted.disconnect(self._on_hosted)

    def _on_hosted(self, hosted: Any) -> None:
        self._disconnect_hosted()
        if self.active:
            self.bridge.run_on_loop(self._run(hosted.invite))

    async def _run(self, invite: Invite) -> None:
        try:
            await self.guests.run(invite, self.bridge.session)
        finally:
            with contextlib.suppress(RuntimeError):
                self._finished.emit()

    def _on_finished(self) -> None:
        self.finished = True
        self.ready.emit()

    def _on_status(self, status: str, code: str) -> None:
        if status == Status.CLOSED and self.active:
            # The meeting ended or the host left: the guests go too.
            self.active = False
            self._disconnect_hosted()
            self.bridge.run_on_loop(self.guests.stop())

    def stop(self, timeout: float = 10.0) -> None:
        """Make the guests leave now (app closing); waits for them."""
        self.active = False
        self._disconnect_hosted()
        loop = self.bridge.loop
        if loop.alive:
            try:
                loop.run(self.guests.stop(), timeout=timeout)
            except Exception:
                logger.exception("demo guests did not leave cleanly")
