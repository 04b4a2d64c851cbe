"""One clip on its way into a store: pushed in pieces as they arrive (from a request's body or
a file), sealed a chunk at a time under its own data key, and stored only when finished."""

import threading
from dataclasses import dataclass

from app.storage.keys import WrappedKey
from app.storage.sealing import Sealer, plain_size
from app.storage.stores import StoreWriter


@dataclass(frozen=True)
class StoredClip:
    """Where a clip lies and how to open it: its key in `store`, its plain size and its data
    key, wrapped (None for a clip stored plain before sealing began)."""

    key: str
    size: int
    store: str
    wrapped: WrappedKey | None


class UploadStopped(Exception):
    """The upload was aborted while it was being written: the server is stopping."""


class ClipUpload:
    """Write the clip's plain bytes in order, then `finish` (the clip is stored) or `abort`
    (nothing is left in the store). ClipTooLarge from `write` past the limit; the caller
    aborts, as after any other failure. Until it ends, the upload is one of this process's
    open uploads, which a stopping server aborts (`abort_open_uploads`)."""

    def __init__(
        self, writer: StoreWriter, sealer: Sealer, key: str, store: str, wrapped: WrappedKey
    ) -> None:
        self.writer, self.sealer = writer, sealer
        self.key, self.store, self.wrapped = key, store, wrapped
        self.lock, self.ended = threading.Lock(), False
        with _OPEN_LOCK:
            _OPEN.add(self)

    def write(self, data: bytes | memoryview) -> None:
        with self.lock:
            self._check_open()
            for sealed in self.sealer.feed(data):
                self.writer.write(sealed)

    def finish(self) -> StoredClip:
        with self.lock:
            self._check_open()
            for sealed in self.sealer.finish():
                self.writer.write(sealed)
            stored = self.writer.commit()
            self._end()
        return StoredClip(self.key, plain_size(stored), self.store, self.wrapped)

    def abort(self) -> None:
        """Nothing of the clip is left in the store (safe to call again, from any thread)."""
        with self.lock:
            if not self.ended:
                self._end()
                self.writer.abort()

    def _check_open(self) -> None:
        if self.ended:
            raise UploadStopped("the upload was aborted: the server is stopping")

    def _end(self) -> None:
        self.ended = True
        with _OPEN_LOCK:
            _OPEN.discard(self)


_OPEN: set[ClipUpload] = set()
_OPEN_LOCK = threading.Lock()


def abort_open_uploads() -> int:
    """Abort every upload of this process still being written (a server about to be stopped
    before they can end would leave their parts in the store); how many there were."""
    with _OPEN_LOCK:
        uploads = list(_OPEN)
    for upload in uploads:
        upload.abort()
    return len(uploads)
