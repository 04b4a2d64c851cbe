"""Where sealed clip bytes lie: a protocol every backend keeps, and the local folder backend."""

import os
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Protocol


class BadKey(ValueError):
    """A storage key that is not one Attune makes (hex letters and digits only)."""


def checked(key: str) -> str:
    """`key` when it is one Attune makes; BadKey otherwise (never a path of someone's choice)."""
    if not key or not key.isalnum() or len(key) > 80:
        raise BadKey("bad clip key")
    return key


class StoreWriter(Protocol):
    """Bytes on their way into a store under one key, written in order."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> int:
        """Make the bytes written the key's content; how many they were."""
        ...

    def abort(self) -> None:
        """Give up: nothing is left under the key, nor any part of it (safe to call twice)."""
        ...


def put(store: "ByteStore", key: str, parts: Iterable[bytes]) -> int:
    """Store the concatenated `parts` under `key`; the bytes stored. If `parts` raises or the
    store fails, nothing is left under `key` (nor any upload part)."""
    writer = store.begin(key)
    try:
        for part in parts:
            writer.write(part)
        return writer.commit()
    except BaseException:
        writer.abort()
        raise


class ByteStore(Protocol):
    """What a clip backend does with stored bytes."""

    name: str

    def begin(self, key: str) -> "StoreWriter":
        """Start storing bytes under `key`: nothing is there until the writer commits."""
        ...

    def read(self, key: str, start: int, length: int) -> bytes:
        """Up to `length` bytes of `key` from `start`."""
        ...

    def delete(self, key: str) -> None:
        """Remove `key` (no error if it is already gone)."""
        ...

    def exists(self, key: str) -> bool:
        """Whether `key` is stored."""
        ...

    def keys(self) -> Iterator[str]:
        """Every stored key."""
        ...

    def check(self) -> str:
        """Raise if the store cannot be used; a short description of it otherwise."""
        ...

    def abort_abandoned(self, older_than: timedelta) -> int:
        """Remove what uploads begun more than `older_than` ago left unfinished (a server
        killed mid-upload cannot clean up after itself); how many there were."""
        ...


class FolderStore:
    """Files named by their keys in one folder; an upload is written beside, then renamed."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / checked(key)

    def begin(self, key: str) -> "_FolderWriter":
        self.root.mkdir(parents=True, exist_ok=True)
        return _FolderWriter(self._path(key))

    def put(self, key: str, parts: Iterable[bytes]) -> int:
        return put(self, key, parts)

    def read(self, key: str, start: int, length: int) -> bytes:
        with self._path(key).open("rb") as source:
            source.seek(start)
            return source.read(length)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self) -> Iterator[str]:
        if self.root.is_dir():
            for entry in os.scandir(self.root):
                if entry.is_file() and entry.name.isalnum():
                    yield entry.name

    def abort_abandoned(self, older_than: timedelta) -> int:
        cutoff, removed = time.time() - older_than.total_seconds(), 0
        for partial in self.root.glob(".*.part") if self.root.is_dir() else []:
            if partial.stat().st_mtime < cutoff:
                partial.unlink(missing_ok=True)
                removed += 1
        return removed

    def check(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")
        return f"folder {self.root}"


class _FolderWriter:
    """A clip written beside its final name, flushed to disk, then renamed into place."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.partial = target.with_name(f".{target.name}.part")
        self.out = self.partial.open("wb")
        self.size = 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.size += len(data)

    def commit(self) -> int:
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        os.replace(self.partial, self.target)
        return self.size

    def abort(self) -> None:
        self.out.close()
        self.partial.unlink(missing_ok=True)
