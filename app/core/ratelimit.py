"""Failure counting with growing lockout, per key (an address, a meeting ID...).

After ``max_failures`` failures inside ``window`` seconds a key is locked out for
``base_delay`` seconds, doubling with every further failure up to ``max_delay``.
While locked out every attempt is refused before the credentials are even looked at,
so a correct guess during lockout gains nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int
    first_failure: float
    locked_until: float


class FailureLimiter:
    def __init__(
        self,
        max_failures: int = 5,
        base_delay: float = 30.0,
        max_delay: float = 3600.0,
        window: float = 900.0,
        max_keys: int = 100_000,
    ) -> None:
        self.max_failures = max_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.window = window
        self.max_keys = max_keys
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        record = self._records.get(key)
        if record is None:
            return 0.0
        return max(0.0, record.locked_until - now)

    def failure(self, key: str, now: float) -> float:
        """Record a failure; returns the lockout now in force (0 when none)."""
        record = self._records.get(key)
        if record is None or (
            now - record.first_failure > self.window and record.locked_until < now
        ):
            record = _Record(failures=0, first_failure=now, locked_until=0.0)
        record.failures += 1
        excess = record.failures - self.max_failures
        if excess >= 0:
            delay = min(self.max_delay, self.base_delay * (2 ** min(excess, 30)))
            record.locked_until = now + delay
        self._records[key] = record
        self._records.move_to_end(key)
        while len(self._records) > self.max_keys:
            # Bounded memory under a flood of distinct keys: forget the oldest.
            self._records.popitem(last=False)
        return self.retry_after(key, now)

    def success(self, key: str) -> None:
        self._records.pop(key, None)

    def failures(self, key: str) -> int:
        record = self._records.get(key)
        return record.failures if record else 0

    def __len__(self) -> int:
        return len(self._records)
