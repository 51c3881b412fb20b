"""PySide6 6.12.0 on Python 3.11 lost a reference to True on every Signal.emit()
and aborted the process after a few thousand ("bool_dealloc"); pyproject.toml pins
PySide6 below it. This guards the pin: a long emit loop must survive."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal(object)

app = QCoreApplication([])
emitter = Emitter()
received = []
emitter.fired.connect(received.append)
before = sys.getrefcount(True), sys.getrefcount(None)
for i in range(50_000):
    emitter.fired.emit(i)
after = sys.getrefcount(True), sys.getrefcount(None)
print(len(received), before == after)
"""


def test_signals_do_not_leak_references() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.split() == ["50000", "True"]
