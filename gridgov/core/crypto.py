"""Encryption at rest for personal data (ID numbers, phones) with GRIDGOV_DATA_KEY.

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256). GRIDGOV_DATA_KEY may list several
comma-separated keys: the first encrypts, all decrypt, so keys can be rotated. Exact-match
search uses a blind index: an HMAC of the normalised value under a key derived from the
first data key, so the database never holds the value itself.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.cache
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.GRIDGOV_DATA_KEY.split(",") if k.strip()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


@functools.cache
def _index_key() -> bytes:
    first = settings.GRIDGOV_DATA_KEY.split(",")[0].strip().encode()
    return hashlib.sha256(b"gridgov blind index v1:" + first).digest()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key: a configuration error, never silent
        raise RuntimeError("GRIDGOV_DATA_KEY cannot decrypt stored data") from exc


def blind_index(value: str) -> str:
    if not value:
        return ""
    return hmac.new(_index_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def hex_digest_matches(expected: str, given) -> bool:
    """Constant-time check of a hex HMAC received from outside against the one computed.
    `given` may be anything (hmac.compare_digest raises on non-ASCII text): False then."""
    return (
        isinstance(given, str) and given.isascii() and hmac.compare_digest(expected, given.lower())
    )
