"""Device keys: each install holds an Ed25519 key pair; joining signs the server's
nonce and the meeting ID, so nobody can present another device's key (bans by
device key then mean something)."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


def challenge(nonce: str, meeting_id: str) -> bytes:
    return f"liqaa-join\n{nonce}\n{meeting_id}".encode()


class DeviceKey:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key

    @classmethod
    def generate(cls) -> DeviceKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_bytes(cls, raw: bytes) -> DeviceKey:
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    @property
    def public_b64(self) -> str:
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode()

    def sign(self, nonce: str, meeting_id: str) -> str:
        return base64.b64encode(self._private.sign(challenge(nonce, meeting_id))).decode()


def verify(public_b64: str, signature_b64: str, nonce: str, meeting_id: str) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), challenge(nonce, meeting_id))
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True
