"""Where uploaded clips live: a small interface, with a local-folder backend by default."""

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

CHUNK = 1024 * 1024


class ClipTooLarge(Exception):
    """The clip is larger than the configured limit."""


class ClipStorage(Protocol):
    """Operations Attune needs from a clip store."""

    def save(self, stream: BinaryIO, max_bytes: int) -> tuple[str, int]:
        """Copy a stream in chunks; return (key, size). Nothing is kept if it fails."""
        ...

    def path(self, key: str) -> Path:
        """A local path to serve the clip from."""
        ...

    def delete(self, key: str) -> None:
        """Remove a clip (no error if it is already gone)."""
        ...


class LocalFolderStorage:
    """Clips as files named by random keys in one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, stream: BinaryIO, max_bytes: int) -> tuple[str, int]:
        """Copy a stream in chunks; return (key, size). Nothing is kept if it fails."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        partial = self.root / f".{key}.part"
        size = 0
        try:
            with partial.open("wb") as target:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ClipTooLarge(f"larger than {max_bytes} bytes")
                    target.write(chunk)
            os.replace(partial, self.root / key)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return key, size

    def path(self, key: str) -> Path:
        """A local path to serve the clip from."""
        if not key.isalnum():
            raise ValueError("bad clip key")
        return self.root / key

    def delete(self, key: str) -> None:
        """Remove a clip (no error if it is already gone)."""
        self.path(key).unlink(missing_ok=True)


def clip_storage() -> ClipStorage:
    """The configured store for this application."""
    return current_app.extensions["clip_storage"]


def init_app(app: Flask) -> None:
    """Create the configured backend (only `local` is shipped)."""
    backend = app.config["CLIP_STORAGE"]
    if backend != "local":
        raise RuntimeError(f"Unknown CLIP_STORAGE {backend!r}; only 'local' is available.")
    app.extensions["clip_storage"] = LocalFolderStorage(Path(app.config["CLIP_STORAGE_DIR"]))
