"""Where sealed clip bytes lie: a protocol every backend keeps, and the local folder backend."""

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol


class BadKey(ValueError):
    """A storage key that is not one Attune makes (hex letters and digits only)."""


def checked(key: str) -> str:
    """`key` when it is one Attune makes; BadKey otherwise (never a path of someone's choice)."""
    if not key or not key.isalnum() or len(key) > 80:
        raise BadKey("bad clip key")
    return key


class ByteStore(Protocol):
    """What a clip backend does with stored bytes."""

    name: str

    def put(self, key: str, parts: Iterable[bytes]) -> int:
        """Store the concatenated `parts` under `key`; the bytes stored. If `parts` raises or
        the store fails, nothing is left under `key` (nor any upload part)."""
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


class FolderStore:
    """Files named by their keys in one folder; an upload is written beside, then renamed."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / checked(key)

    def put(self, key: str, parts: Iterable[bytes]) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self._path(key)
        partial = self.root / f".{key}.part"
        size = 0
        try:
            with partial.open("wb") as out:
                for part in parts:
                    out.write(part)
                    size += len(part)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

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

    def check(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")
        return f"folder {self.root}"
