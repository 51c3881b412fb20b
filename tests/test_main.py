"""The ``liqaa`` entry point: options, --self-test, --server (as the packaged app runs
its embedded server), and the GUI in --demo mode shutting down cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from app.__main__ import parse_args
from app.server.embedded import start_embedded_server

ROOT = Path(__file__).resolve().parent.parent


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    values = dict(os.environ)
    values.update({"QT_QPA_PLATFORM": "offscreen", "LIQAA_CONFIG_DIR": str(tmp_path)})
    values.update(extra)
    return values


def test_options() -> None:
    args, qt = parse_args(["--lang", "ar", "--demo", "liqaa://h:1/12345678901", "-platform", "x"])
    assert args.lang == "ar" and args.demo and args.invite == "liqaa://h:1/12345678901"
    assert qt == ["-platform", "x"] and not args.self_test
    with pytest.raises(SystemExit):
        parse_args(["--lang", "fr"])


def test_self_test_prints_one_summary_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        cwd=ROOT,
        env=env(tmp_path, QT_QPA_PLATFORM=""),  # the self-test picks offscreen itself
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(lines) == 1 and lines[0].startswith("liqaa self-test: ok"), lines
    for part in ("translations: ar, en", "camera: pattern", "audio:", "bad_credentials"):
        assert part in lines[0]
    assert not any(tmp_path.iterdir())  # it leaves no settings or keys behind


def test_self_test_fails_with_the_reason(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        cwd=ROOT,
        env=env(tmp_path, LIQAA_DATA_DIR=str(tmp_path / "missing")),  # no translations
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.strip() == (
        "liqaa self-test: FAILED: Arabic translation not loaded (got 'Arabic')"
    )


def test_server_mode_serves_the_embedded_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the bundle ``sys.frozen`` is set and the app binary itself is the server:
    ``start_embedded_server`` runs ``<binary> --server --embedded ...``. Here a stand-in
    binary runs ``app.__main__.main()`` exactly as the bundle's entry script does."""
    binary = tmp_path / "liqaa"
    binary.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from app.__main__ import main\n"
        "sys.exit(main())\n"
    )
    binary.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(binary))
    server = start_embedded_server()
    try:
        assert server.process.args[:2] == [str(binary), "--server"]  # type: ignore[index]
        with socket.create_connection((server.host, server.port), timeout=5):
            pass
        assert len(server.fingerprint) == 64 and server.create_token
    finally:
        server.stop()
    assert server.process.returncode == 0  # stdin closed: a graceful exit


def test_server_option_passes_the_rest_to_the_server(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--server", "--embedded", "--log-level", "WARNING"],
        cwd=ROOT,
        env=env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    info = json.loads(process.stdout.readline())
    assert set(info) == {"port", "fingerprint", "create_token"}
    process.stdin.close()
    assert process.wait(10) == 0


def test_demo_app_quits_cleanly(tmp_path: Path) -> None:
    """``liqaa --demo --lang ar`` runs the test meeting; Ctrl-C ends it, the guests leave,
    and the embedded server child process goes away with the app."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--demo", "--lang", "ar"],
        cwd=ROOT,
        env=env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        app = psutil.Process(process.pid)
        deadline = time.monotonic() + 30
        children: list[psutil.Process] = []
        while time.monotonic() < deadline and not children:
            children = [c for c in app.children() if "--embedded" in " ".join(c.cmdline())]
            time.sleep(0.2)
        assert children, "the embedded server did not start"
        server = children[0]
        time.sleep(3)  # guests join, the script plays
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    server.wait(5)  # gone with the app
    assert not server.is_running()
    assert (tmp_path / "device-key").stat().st_mode & 0o777 == 0o600
