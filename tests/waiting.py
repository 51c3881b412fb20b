"""Waiting for a condition that an asyncio.Event announces changes of."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def wait_until(
    predicate: Callable[[], Any], changed: asyncio.Event, timeout: float, who: str
) -> Any:
    """Re-check ``predicate`` whenever ``changed`` is set (and every 100 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{who}: condition not met within {timeout}s")
        changed.clear()
        try:
            await asyncio.wait_for(changed.wait(), min(remaining, 0.1))
        except TimeoutError:
            pass
