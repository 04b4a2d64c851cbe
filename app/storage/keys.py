"""Key-encryption keys: each clip's data key is stored wrapped by one of them, with its id.

The ring comes from the configuration: `CLIP_KEYS` ("id=base64key,id2=base64key") or
`CLIP_KEY_FILE` (a line "id base64key" per key); new clips are wrapped by `CLIP_KEY_ID`, or by
the last key listed. Older keys stay in the ring until `flask clips rotate-key` has re-wrapped
every data key under the current one.
"""

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class KeyProblem(RuntimeError):
    """The key ring is missing, malformed, or lacks the key a clip was wrapped by."""


@dataclass(frozen=True)
class WrappedKey:
    """A clip's data key, sealed by the key-encryption key `key_id`."""

    key_id: str
    sealed: bytes


class KeyRing:
    """Key-encryption keys by id, and the one that wraps new data keys."""

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if not keys:
            raise KeyProblem("No clip key-encryption key is configured.")
        if current not in keys:
            raise KeyProblem(f"CLIP_KEY_ID {current!r} is not among the configured keys.")
        self._keys, self.current = dict(keys), current

    @property
    def ids(self) -> list[str]:
        return list(self._keys)

    def wrap(self, data_key: bytes, key_id: str | None = None) -> WrappedKey:
        """Seal a data key under `key_id` (the current key by default)."""
        key_id = key_id or self.current
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self._key(key_id)).encrypt(nonce, data_key, key_id.encode())
        return WrappedKey(key_id, nonce + sealed)

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        """The data key sealed in `wrapped`."""
        nonce, sealed = wrapped.sealed[:12], wrapped.sealed[12:]
        try:
            return AESGCM(self._key(wrapped.key_id)).decrypt(nonce, sealed, wrapped.key_id.encode())
        except InvalidTag as error:
            raise KeyProblem(f"A data key does not open under key {wrapped.key_id!r}.") from error

    def _key(self, key_id: str) -> bytes:
        try:
            return self._keys[key_id]
        except KeyError:
            raise KeyProblem(f"The clip key {key_id!r} is not configured.") from None


def _parse(pairs: list[tuple[str, str]], source: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for key_id, encoded in pairs:
        if not _KEY_ID.match(key_id):
            raise KeyProblem(f"{source}: a key id must be 1-40 letters, digits, '.', '_' or '-'.")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise KeyProblem(f"{source}: key {key_id!r} is not base64.") from None
        if len(raw) != 32:
            raise KeyProblem(f"{source}: key {key_id!r} must be 32 bytes (AES-256).")
        keys[key_id] = raw
    return keys


def ring_from_settings(settings: dict) -> KeyRing | None:
    """The configured key ring, or None when no key is configured."""
    listed = (settings.get("CLIP_KEYS") or "").strip()
    path = settings.get("CLIP_KEY_FILE") or ""
    if listed:
        pairs = [tuple(item.strip().split("=", 1)) for item in listed.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise KeyProblem("CLIP_KEYS: write each key as id=base64key, separated by commas.")
        keys = _parse([(a, b) for a, b in pairs], "CLIP_KEYS")
    elif path and Path(path).exists():
        lines = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
        if any(len(line) != 2 for line in lines if not line[0].startswith("#")):
            raise KeyProblem(f"{path}: write each key as 'id base64key' on its own line.")
        keys = _parse([(a, b) for a, b in lines if not a.startswith("#")], str(path))
    else:
        return None
    return KeyRing(keys, settings.get("CLIP_KEY_ID") or list(keys)[-1])


def new_key_line(key_id: str) -> str:
    """A line for a key file: a fresh key-encryption key named `key_id`."""
    if not _KEY_ID.match(key_id):
        raise KeyProblem("A key id must be 1-40 letters, digits, '.', '_' or '-'.")
    return f"{key_id} {base64.b64encode(os.urandom(32)).decode()}\n"
