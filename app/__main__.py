"""``liqaa``: the desktop app.

Usage::

    liqaa                       the start screen
    liqaa liqaa://HOST:PORT/ID?pwd=...&fp=...   join from an invite link
    liqaa --demo                a test meeting with simulated guests
    liqaa --lang ar|en          the UI language for this run (not saved)
    liqaa --self-test           check the installation without showing windows
    liqaa --server [ARGS...]    run the meeting server (``liqaa-server ARGS``); the
                                packaged app starts its embedded server this way
"""

from __future__ import annotations

import argparse
import sys

from app import __version__

SERVER_FLAG = "--server"


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="liqaa", description="Liqaa (لقاء): video meetings where the host is in control."
    )
    parser.add_argument("invite", nargs="?", help="a liqaa:// invite link to join")
    parser.add_argument("--demo", action="store_true", help="open a test meeting")
    parser.add_argument("--lang", choices=("ar", "en"), help="UI language for this run")
    parser.add_argument("--self-test", action="store_true", help="check the installation and exit")
    parser.add_argument(
        SERVER_FLAG,
        action="store_true",
        help="run the meeting server (the options that follow are liqaa-server's)",
    )
    parser.add_argument("--version", action="version", version=f"liqaa {__version__}")
    # Unknown options (Qt's own, such as -platform) go to Qt.
    return parser.parse_known_args(argv)


def _ensure_std_streams() -> None:
    """A windowed (frozen) app may start without Python-level std streams even when its
    parent gave it pipes: the embedded server talks to its parent through them."""
    for name, fd, mode in (("stdin", 0, "r"), ("stdout", 1, "w"), ("stderr", 2, "w")):
        if getattr(sys, name) is None:
            try:
                setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))
            except OSError:
                pass


def run_server(argv: list[str]) -> int:
    _ensure_std_streams()
    from app.server.__main__ import main as server_main

    return server_main(argv)


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if SERVER_FLAG in args_in:
        # Everything else belongs to the server (--embedded, --host, --port...).
        rest = [a for a in args_in if a != SERVER_FLAG]
        return run_server(rest)
    args, qt_argv = parse_args(args_in)
    if args.self_test:
        from app.selftest import run_self_test

        return run_self_test()
    from app.ui.application import run

    return run(demo=args.demo, language=args.lang, invite_link=args.invite, qt_argv=qt_argv)


if __name__ == "__main__":
    sys.exit(main())
