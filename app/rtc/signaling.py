"""Signaling client: one WebSocket over TLS to the meeting server, typed messages.

With a fingerprint (from the invite) the server's certificate is pinned: only that
exact certificate is accepted, whoever signed it. Without one, normal certificate
verification applies (an organisation's server with a CA-issued certificate).
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp

from app.core import protocol as p

CONNECT_TIMEOUT = 10.0


class SignalingError(Exception):
    """Base for connection problems the UI explains to people."""


class ServerUnreachable(SignalingError):
    pass


class CertificateMismatch(SignalingError):
    pass


class ConnectionClosed(SignalingError):
    pass


class SignalingClient:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self.welcome: p.Welcome | None = None

    async def connect(self, url: str, fingerprint: str | None = None) -> p.Welcome:
        ssl_option: aiohttp.Fingerprint | bool | ssl.SSLContext
        if fingerprint:
            try:
                ssl_option = aiohttp.Fingerprint(bytes.fromhex(fingerprint.replace(":", "")))
            except ValueError as exc:
                raise CertificateMismatch(f"invalid certificate fingerprint: {exc}") from None
        else:
            ssl_option = True
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        try:
            self._ws = await asyncio.wait_for(
                self._session.ws_connect(
                    url, ssl=ssl_option, heartbeat=5.0, max_msg_size=4 * p.MAX_MESSAGE_BYTES
                ),
                CONNECT_TIMEOUT,
            )
        except aiohttp.ServerFingerprintMismatch as exc:
            await self.close()
            raise CertificateMismatch(str(exc)) from None
        except aiohttp.ClientConnectorCertificateError as exc:
            await self.close()
            raise CertificateMismatch(str(exc)) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            await self.close()
            raise ServerUnreachable(str(exc) or type(exc).__name__) from None
        message = await self.recv()
        if not isinstance(message, p.Welcome):
            await self.close()
            raise ServerUnreachable("the server did not greet us")
        self.welcome = message
        return message

    async def send(self, message: p._Msg) -> None:
        if self._ws is None or self._ws.closed:
            raise ConnectionClosed("not connected")
        try:
            await self._ws.send_str(p.encode(message))
        except (ConnectionError, RuntimeError) as exc:
            raise ConnectionClosed(str(exc)) from None

    async def send_raw(self, data: str | bytes) -> None:
        """For tests that speak bad protocol on purpose."""
        assert self._ws is not None
        if isinstance(data, bytes):
            await self._ws.send_bytes(data)
        else:
            await self._ws.send_str(data)

    async def recv(self) -> p.ServerMessage:
        if self._ws is None:
            raise ConnectionClosed("not connected")
        while True:
            frame = await self._ws.receive()
            if frame.type == aiohttp.WSMsgType.TEXT:
                try:
                    return p.decode_server(frame.data)
                except p.ProtocolError:
                    continue  # a newer server's message we do not know: skip it
            if frame.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                raise ConnectionClosed("the server closed the connection")

    @property
    def closed(self) -> bool:
        return self._ws is None or self._ws.closed

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
