"""Authenticator-app secrets sealed at rest (ASVS 2.8.2): AES-256-GCM under a key derived from
the app's SECRET_KEY (HKDF), bound to the person's id, so a copy of the database alone yields no
secret. A rotated SECRET_KEY keeps opening secrets while the old one is in SECRET_KEY_FALLBACKS."""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_INFO = b"attune authenticator-app secrets v1"


def _key(secret_key: str | bytes) -> bytes:
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)


def _keys() -> list[bytes]:
    config = current_app.config
    return [_key(k) for k in [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]]


def seal(secret: str, user_id: int) -> bytes:
    """The secret, sealed for this person."""
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_keys()[0]).encrypt(nonce, secret.encode(), str(user_id).encode())


def open_sealed(sealed: bytes, user_id: int) -> str | None:
    """The secret sealed for this person, or None when no configured key opens it."""
    nonce, body = sealed[:12], sealed[12:]
    if len(body) < 16:  # shorter than a GCM tag: a damaged row
        return None
    for key in _keys():
        try:
            return AESGCM(key).decrypt(nonce, body, str(user_id).encode()).decode()
        except InvalidTag:
            continue
    return None
