from __future__ import annotations

from tests.fixtures.pulse import pulse_server

__all__ = ["pulse_server"]
