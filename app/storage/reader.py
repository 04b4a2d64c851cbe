"""A stored clip read like a file: seek anywhere, read any range; a sealed clip's chunks are
fetched a window at a time and opened as they are read (a 1 MiB range opens ~17 chunks)."""

import io
import math

from app.storage.sealing import CHUNK, SEALED_CHUNK, open_chunks, sealed_size
from app.storage.stores import ByteStore

WINDOW = 1024 * 1024  # plain bytes fetched from the store at a time, at least


class ClipReader(io.RawIOBase):
    """The plain bytes of one stored clip (`data_key` None: stored plain, from before sealing)."""

    def __init__(
        self, store: ByteStore, key: str, size: int, data_key: bytes | None, window: int = WINDOW
    ) -> None:
        super().__init__()
        self.store, self.key, self.size, self.data_key = store, key, size, data_key
        self.window_size = window
        self._pos = 0
        self._window_start = 0
        self._window = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def prime(self, start: int) -> None:
        """Fetch and open the window from `start` now (TamperedClip if it does not open)."""
        if start < self.size:
            self._bytes(start, 1)

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self.size - self._pos)
        if wanted <= 0:
            return 0
        data = self._bytes(self._pos, wanted)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _bytes(self, start: int, length: int) -> bytes:
        end = self._window_start + len(self._window)
        if not self._window_start <= start < end:
            self._fetch(start, max(length, self.window_size))
        offset = start - self._window_start
        return self._window[offset : offset + length]

    def _fetch(self, start: int, length: int) -> None:
        if self.data_key is None:
            self._window_start = start
            self._window = self.store.read(self.key, start, min(length, self.size - start))
            return
        first = start // CHUNK
        count = min(
            math.ceil((start % CHUNK + length) / CHUNK), math.ceil(self.size / CHUNK) - first
        )
        offset = first * SEALED_CHUNK
        sealed = self.store.read(
            self.key, offset, min(count * SEALED_CHUNK, sealed_size(self.size) - offset)
        )
        self._window_start = first * CHUNK
        self._window = open_chunks(self.data_key, first, sealed, self.size)
