"""IDs, passcodes, device keys, invites and the failure limiter."""

from __future__ import annotations

import pytest

from app.core import devicekey
from app.core.ids import (
    PASSCODE_ALPHABET,
    format_meeting_id,
    is_meeting_id,
    new_host_key,
    new_meeting_id,
    new_passcode,
    normalize_meeting_id,
)
from app.core.invite import Invite, InviteError, parse_invite, parse_server_address
from app.core.passcode import hash_passcode, verify_passcode
from app.core.ratelimit import FailureLimiter


def test_ids_are_long_random_digits() -> None:
    ids = {new_meeting_id() for _ in range(200)}
    assert len(ids) == 200 and all(is_meeting_id(i) and i[0] != "0" for i in ids)
    assert normalize_meeting_id(format_meeting_id("12345678901")) == "12345678901"
    assert len(new_host_key()) == 6 and new_host_key().isdigit()
    code = new_passcode()
    assert len(code) == 8 and set(code) <= set(PASSCODE_ALPHABET)


def test_passcodes_are_argon2id_and_forgiving_about_case() -> None:
    stored = hash_passcode("ABCD2345")
    assert stored.startswith("$argon2id$")
    assert verify_passcode(stored, "abcd2345 ")
    assert not verify_passcode(stored, "ABCD2346")
    assert not verify_passcode(None, "anything")
    assert not verify_passcode("not a hash", "ABCD2345")


def test_device_key_signatures() -> None:
    key = devicekey.DeviceKey.generate()
    sig = key.sign("nonce", "12345678901")
    assert devicekey.verify(key.public_b64, sig, "nonce", "12345678901")
    assert not devicekey.verify(key.public_b64, sig, "other-nonce", "12345678901")
    other = devicekey.DeviceKey.generate()
    assert not devicekey.verify(other.public_b64, sig, "nonce", "12345678901")
    assert not devicekey.verify("%%%", sig, "nonce", "12345678901")
    restored = devicekey.DeviceKey.from_bytes(key.private_bytes())
    assert restored.public_b64 == key.public_b64


def test_limiter_locks_out_with_growing_delay() -> None:
    limiter = FailureLimiter(max_failures=3, base_delay=10, max_delay=100, window=60)
    assert [limiter.failure("a", 0.0) for _ in range(2)] == [0.0, 0.0]
    assert limiter.failure("a", 0.0) == 10.0
    assert limiter.retry_after("a", 5.0) == 5.0
    assert limiter.failure("a", 11.0) == 20.0
    assert limiter.failure("a", 31.0) == 40.0
    assert limiter.failure("a", 71.0) == 80.0
    assert limiter.failure("a", 151.0) == 100.0  # capped
    assert limiter.retry_after("b", 0.0) == 0.0
    small = FailureLimiter(max_keys=10)
    for i in range(50):
        small.failure(str(i), 0.0)
    assert len(small) == 10


def test_invites_round_trip_and_reject_garbage() -> None:
    invite = Invite("192.0.2.1", 8443, "12345678901", "ABCD2345", "ab" * 32)
    assert parse_invite(invite.link()) == invite
    assert parse_invite("liqaa://[::1]:9000/123 4567 8901").server_url == "wss://[::1]:9000/ws"
    for bad in (
        "http://x/12345678901",
        "liqaa:///12345678901",
        "liqaa://h/123",
        "liqaa://h:99999/12345678901",
        "liqaa://h/12345678901?fp=zz",
    ):
        with pytest.raises(InviteError):
            parse_invite(bad)
    assert parse_server_address("example.org") == ("example.org", 8443)
    assert parse_server_address("10.0.0.2:9443") == ("10.0.0.2", 9443)
    with pytest.raises(InviteError):
        parse_server_address("")
