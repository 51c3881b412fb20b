"""Who is speaking, from the audio levels of decoded remote audio, with hysteresis
so the highlight does not flicker between words."""

from __future__ import annotations

START_DB = -42.0  # louder than this starts speaking
STOP_DB = -50.0  # quieter than this for HOLD seconds stops it
HOLD = 0.6


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

    def forget(self, pid: str) -> bool:
        self._last_loud.pop(pid, None)
        if pid in self.speaking:
            self.speaking = self.speaking - {pid}
            return True
        return False
