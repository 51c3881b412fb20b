"""Who is speaking, from the audio levels of decoded remote audio, with hysteresis
so the highlight does not flicker between words; and who speaker view shows big."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

START_DB = -42.0  # louder than this starts speaking
STOP_DB = -50.0  # quieter than this for HOLD seconds stops it
HOLD = 0.6
# The detector keeps a voice for HOLD (0.6 s) after its last loud frame, so a 0.3 s
# cough counts as speaking for 0.9 s: a switch must wait longer than that. With 1 s,
# sounds under 0.4 s never switch, and a real speaker is shown within a second.
SWITCH_HOLD = 1.0


class SpeakingDetector:
    def __init__(self) -> None:
        self.speaking: frozenset[str] = frozenset()
        self._last_loud: dict[str, float] = {}

    def update(self, pid: str, level_db: float, now: float) -> bool:
        """Feed one frame's level; True when the set of speakers changed."""
        if level_db >= STOP_DB and (pid in self.speaking or level_db >= START_DB):
            self._last_loud[pid] = now
        loud = now - self._last_loud.get(pid, -HOLD - 1) < HOLD
        if loud == (pid in self.speaking):
            return False
        self.speaking = self.speaking | {pid} if loud else self.speaking - {pid}
        return True

    def expire(self, now: float) -> bool:
        """Stop those whose audio stopped arriving (muted at the relay, gone): ``update``
        only runs on frames. True when the set of speakers changed."""
        quiet = {pid for pid in self.speaking if now - self._last_loud.get(pid, -HOLD - 1) >= HOLD}
        if not quiet:
            return False
        self.speaking = self.speaking - quiet
        return True

    def forget(self, pid: str) -> bool:
        self._last_loud.pop(pid, None)
        if pid in self.speaking:
            self.speaking = self.speaking - {pid}
            return True
        return False


class ActiveSpeaker:
    """Who speaker view shows big: the remote participant who most recently started
    speaking and kept on for ``hold`` seconds. It stays on them through pauses and
    silence; if they leave, it falls back to the first remote participant (``None``
    when nobody else is here, meaning yourself). The caller passes only remote
    participants, so your own voice never makes you the big tile."""

    def __init__(self, hold: float = SWITCH_HOLD) -> None:
        self.hold = hold
        self.pid: str | None = None
        self._pid_since = -math.inf  # when the shown speaker's winning turn began
        self._started: dict[str, float] = {}  # who speaks now -> when their turn began

    def update(self, remote: Sequence[str], speaking: Iterable[str], now: float) -> bool:
        """``remote``: the other participants in join order; ``speaking``: who speaks
        now. True when the active speaker changed."""
        present = set(remote)
        self._started = {pid: self._started.get(pid, now) for pid in speaking if pid in present}
        previous = self.pid
        if self.pid not in present:
            self.pid = remote[0] if remote else None
            self._pid_since = -math.inf  # anyone already speaking may take over
        turns = [
            (since, pid)
            for pid, since in self._started.items()
            if since > self._pid_since and now - since >= self.hold
        ]
        if turns:
            self._pid_since, self.pid = max(turns)
        return self.pid != previous

    def next_check(self, now: float) -> float | None:
        """Seconds until someone's turn has lasted ``hold`` (call :meth:`update` again
        then), or None when nobody is waiting to take over."""
        waits = [
            since + self.hold - now
            for since in self._started.values()
            if since > self._pid_since and since + self.hold > now
        ]
        return min(waits) if waits else None
