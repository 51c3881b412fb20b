from __future__ import annotations

from tests.fixtures.pulse import pulse_server
from tests.fixtures.xvfb import xvfb_display

__all__ = ["pulse_server", "xvfb_display"]
