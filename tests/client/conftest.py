from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.server.embedded import EmbeddedServer, start_embedded_server
from tests.fixtures.pulse import pulse_server
from tests.fixtures.xvfb import xvfb_display

__all__ = ["pulse_server", "server", "xvfb_display"]


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    """A real meeting server in a child process, as the host's app runs it."""
    embedded = start_embedded_server()
    yield embedded
    embedded.stop()
