"""Fire-and-forget coroutines on the event loop, kept referenced until they finish
(asyncio holds only weak references to tasks)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

_background: set[asyncio.Future[Any]] = set()


def spawn(coro: Awaitable[Any]) -> asyncio.Future[Any]:
    """Run in the background, keeping a reference so the task is not collected."""
    task = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task
