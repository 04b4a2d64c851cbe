"""Where uploaded clips live, sealed: a byte store (a local folder or an S3-compatible bucket)
behind one facade that seals each clip under its own data key on the way in and opens only
the chunks a read needs on the way out."""

import secrets
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from app.storage.keys import KeyProblem, KeyRing, ring_from_settings
from app.storage.reader import ClipReader
from app.storage.sealing import READ, ClipTooLarge, Readable, Sealer, TamperedClip, new_data_key
from app.storage.stores import ByteStore, FolderStore
from app.storage.upload import ClipUpload, StoredClip, UploadStopped

__all__ = [
    "STORE_ERRORS",
    "ClipStorage",
    "ClipTooLarge",
    "ClipUpload",
    "KeyProblem",
    "StoredClip",
    "TamperedClip",
    "clip_storage",
    "init_app",
]


# What a store that cannot be used raises: its key or itself not configured on this server, the
# object store's client failing (unreachable, refused, throttled), or this server stopping.
STORE_ERRORS: tuple[type[Exception], ...] = (KeyProblem, BotoCoreError, ClientError, UploadStopped)


class ClipStorage:
    """Clips sealed into the configured store; read from whichever store holds each one."""

    def __init__(self, store: ByteStore, ring: KeyRing | None, others: list[ByteStore]) -> None:
        self.store, self.ring = store, ring
        self.stores = {s.name: s for s in [*others, store]}

    def begin(self, max_bytes: int) -> ClipUpload:
        """A new clip, under a new key and data key, to be written, sealed and finished."""
        key, data_key = secrets.token_hex(16), new_data_key()
        wrapped = self.keys().wrap(data_key)  # before the store opens anything to leave behind
        return ClipUpload(
            self.store.begin(key), Sealer(data_key, max_bytes), key, self.store.name, wrapped
        )

    def save(self, stream: Readable, max_bytes: int, head: bytes = b"") -> StoredClip:
        """Seal `head` then the rest of `stream` into the store under a new key, a few chunks
        at a time. ClipTooLarge past `max_bytes`; on any failure nothing is left in the store."""
        upload = self.begin(max_bytes)
        try:
            upload.write(head)
            while more := stream.read(READ):
                upload.write(more)
            return upload.finish()
        except BaseException:
            upload.abort()
            raise

    def open(self, clip: StoredClip) -> ClipReader:
        """The clip's plain bytes as a seekable file (TamperedClip from a changed chunk)."""
        data_key = None if clip.wrapped is None else self.keys().unwrap(clip.wrapped)
        return ClipReader(self._store_of(clip), clip.key, clip.size, data_key)

    def delete(self, key: str, store: str | None = None) -> None:
        """Remove a clip from `store`, or from every configured store when it is not known (no
        error if it is already gone)."""
        for found in self.stores.values() if store is None else [self._store_named(store)]:
            found.delete(key)

    def discard(self, clip: StoredClip) -> bool:
        """Delete a copy nothing points at any more (a replaced clip); a store that cannot be
        used is logged, not raised: the copy is sealed under a data key only the replaced
        record held, so what is left is unreadable. Whether it was deleted."""
        try:
            self.delete(clip.key, clip.store)
        except STORE_ERRORS as error:
            current_app.logger.warning(
                "Replaced clip %s left in store %r: %r", clip.key, clip.store, error
            )
            return False
        return True

    def keys(self) -> KeyRing:
        if self.ring is None:
            raise KeyProblem("No clip key-encryption key is configured (CLIP_KEY_FILE).")
        return self.ring

    def _store_of(self, clip: StoredClip) -> ByteStore:
        return self._store_named(clip.store)

    def _store_named(self, name: str) -> ByteStore:
        try:
            return self.stores[name]
        except KeyError:
            raise KeyProblem(f"The clip store {name!r} is not configured.") from None


def clip_storage() -> ClipStorage:
    """The configured clip storage of this application."""
    return current_app.extensions["clip_storage"]


def store_from_settings(settings: dict, backend: str) -> ByteStore:
    """The byte store `backend` ("local" or "s3") as the settings describe it."""
    if backend == "local":
        return FolderStore(Path(settings["CLIP_STORAGE_DIR"]))
    if backend == "s3":
        from app.storage.s3 import S3Store

        if not settings.get("CLIP_S3_BUCKET"):
            raise RuntimeError("CLIP_STORAGE=s3 needs CLIP_S3_BUCKET.")
        return S3Store(
            bucket=settings["CLIP_S3_BUCKET"],
            endpoint=settings.get("CLIP_S3_ENDPOINT"),
            region=settings.get("CLIP_S3_REGION"),
            prefix=settings.get("CLIP_S3_PREFIX") or "",
            path_style=bool(settings.get("CLIP_S3_PATH_STYLE", True)),
        )
    raise RuntimeError(f"Unknown CLIP_STORAGE {backend!r}: 'local' or 's3'.")


def init_app(app: Flask) -> None:
    """Create the configured store, plus the other one where it is configured too, to read the
    clips it still holds (during and after `flask clips migrate`, in either direction)."""
    settings = app.config
    store = store_from_settings(settings, settings["CLIP_STORAGE"])
    others = [
        store_from_settings(settings, name)
        for name in ("local", "s3")
        if name != store.name and (name == "local" or settings.get("CLIP_S3_BUCKET"))
    ]
    app.extensions["clip_storage"] = ClipStorage(store, ring_from_settings(settings), others)
