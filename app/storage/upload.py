"""One clip on its way into a store: pushed in pieces as they arrive (from a request's body or
a file), sealed a chunk at a time under its own data key, and stored only when finished."""

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


class ClipUpload:
    """Write the clip's plain bytes in order, then `finish` (the clip is stored) or `abort`
    (nothing is left in the store). ClipTooLarge from `write` past the limit; the caller
    aborts, as after any other failure."""

    def __init__(
        self, writer: StoreWriter, sealer: Sealer, key: str, store: str, wrapped: WrappedKey
    ) -> None:
        self.writer, self.sealer = writer, sealer
        self.key, self.store, self.wrapped = key, store, wrapped
        self.stored = 0

    def write(self, data: bytes | memoryview) -> None:
        for sealed in self.sealer.feed(data):
            self.writer.write(sealed)
            self.stored += len(sealed)

    def finish(self) -> StoredClip:
        for sealed in self.sealer.finish():
            self.writer.write(sealed)
        stored = self.writer.commit()
        return StoredClip(self.key, plain_size(stored), self.store, self.wrapped)

    def abort(self) -> None:
        self.writer.abort()
