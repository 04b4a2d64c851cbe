"""Clip storage for service tests: a real folder store, sealed under a fresh key, and one whose
deletions fail (a disk gone read-only)."""

import base64
import os
from collections.abc import Container
from pathlib import Path

from app.storage import ClipStorage
from app.storage.keys import KeyRing
from app.storage.stores import FolderStore

# A CLIP_KEYS setting for apps built as in production (which refuse to start without one).
CLIP_KEYS = f"test={base64.b64encode(os.urandom(32)).decode()}"


def _ring() -> KeyRing:
    return KeyRing({"test": os.urandom(32)}, "test")


def folder_clips(root: Path) -> ClipStorage:
    """Sealed clips in a folder of their own."""
    return ClipStorage(FolderStore(root), _ring(), [])


class _FailingDeletes(FolderStore):
    def __init__(self, root: Path, keys: Container[str] | None, message: str) -> None:
        super().__init__(root)
        self.failing, self.message = keys, message

    def delete(self, key: str) -> None:
        if self.failing is None or key in self.failing:
            raise OSError(self.message)
        super().delete(key)


def failing_deletes(
    working: ClipStorage, keys: Container[str] | None = None, message: str = "disk gone"
) -> ClipStorage:
    """`working`'s folder, keys and clips, but deleting `keys` (every key: None) fails."""
    assert isinstance(working.store, FolderStore)
    return ClipStorage(_FailingDeletes(working.store.root, keys, message), working.ring, [])
