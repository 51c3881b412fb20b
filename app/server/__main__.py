"""``liqaa-server``: run the meeting server standalone or as the host app's child.

Standalone: ``liqaa-server --host 0.0.0.0 --port 8443``. The certificate is loaded
from ``--cert/--key`` or made once and kept in the user data directory, so its
fingerprint (printed at start) stays the same across restarts.

Embedded (``--embedded``): binds 127.0.0.1 or ``--host`` on a free port, prints one
JSON line ``{"port", "fingerprint", "create_token"}`` for the parent, and exits when
its standard input closes (the parent app quit or crashed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
from pathlib import Path

import platformdirs

from app import __version__
from app.core.ids import new_secret
from app.server import tls
from app.server.server import MeetingServer

logger = logging.getLogger("liqaa.server")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="liqaa-server", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=None, help="address to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--cert", type=Path, help="PEM certificate (made if absent)")
    parser.add_argument("--key", type=Path, help="PEM private key")
    parser.add_argument(
        "--create-token",
        default=os.environ.get("LIQAA_CREATE_TOKEN"),
        help="token needed to create meetings (env LIQAA_CREATE_TOKEN; generated if unset)",
    )
    parser.add_argument("--embedded", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def certificate(args: argparse.Namespace) -> tuple[Path, Path]:
    if args.cert and args.key:
        return args.cert, args.key
    if args.embedded:
        directory = Path(tempfile.mkdtemp(prefix="liqaa-server-"))
    else:
        directory = Path(platformdirs.user_data_dir("liqaa-server", appauthor=False))
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not (cert.exists() and key.exists()):
        tls.make_self_signed(cert, key)
    return cert, key


async def serve(args: argparse.Namespace) -> None:
    cert, key = certificate(args)
    fingerprint = tls.fingerprint(cert)
    create_token = args.create_token or new_secret()
    server = MeetingServer(create_token)
    host = args.host or ("127.0.0.1" if args.embedded else "0.0.0.0")
    port = await server.start(
        host, 0 if args.embedded else args.port, tls.server_context(cert, key)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    if args.embedded:
        print(
            json.dumps({"port": port, "fingerprint": fingerprint, "create_token": create_token}),
            flush=True,
        )
        loop.run_in_executor(None, _wait_for_stdin_eof, loop, stop)
    else:
        logger.info("Liqaa server %s listening on wss://%s:%d/ws", __version__, host, port)
        logger.info("certificate SHA-256 fingerprint: %s", fingerprint)
        if not args.create_token:
            logger.info("create token (give it to hosts of this server): %s", create_token)
    await stop.wait()
    logger.info("shutting down: ending %d meetings", len(server.rooms))
    await server.stop()


def _wait_for_stdin_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    with contextlib.suppress(Exception):
        sys.stdin.read()
    loop.call_soon_threadsafe(stop.set)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        asyncio.run(serve(args))
    except OSError as exc:
        logger.error("cannot start: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
