"""Clips sealed at rest: AES-256-GCM in fixed-size chunks, so that a range is read by opening
only the chunks it touches.

A clip's bytes are cut into chunks of `CHUNK` bytes (the last may be shorter); chunk `i` is
sealed with the clip's own data key, the nonce `i` (a data key seals one clip, so no nonce
repeats) and, as associated data, whether it is the last chunk: a chunk moved, swapped, cut
short or appended is refused when opened, as is any changed byte.
"""

import math
from collections.abc import Iterator
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK = 64 * 1024  # plain bytes per chunk
TAG = 16  # bytes GCM adds to each chunk
SEALED_CHUNK = CHUNK + TAG
READ = 16 * CHUNK  # plain bytes read from a stream at once


class Readable(Protocol):
    """Anything read like a binary file: an upload's stream, a stored clip's reader."""

    def read(self, size: int = -1, /) -> bytes: ...


class ClipTooLarge(Exception):
    """The clip is larger than the configured limit."""


class TamperedClip(Exception):
    """A stored chunk does not open under its key: changed, moved or cut short."""


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _associated(last: bool) -> bytes:
    return b"attune-clip-chunk:last" if last else b"attune-clip-chunk"


def new_data_key() -> bytes:
    """A fresh 256-bit key for one clip."""
    return AESGCM.generate_key(bit_length=256)


def sealed_size(plain_size: int) -> int:
    """The stored size of a clip of `plain_size` bytes."""
    return plain_size + TAG * math.ceil(plain_size / CHUNK)


def plain_size(stored_size: int) -> int:
    """The plain size of a clip stored in `stored_size` sealed bytes."""
    return stored_size - TAG * math.ceil(stored_size / SEALED_CHUNK)


class Sealer:
    """Seals a clip pushed to it in pieces of any size: `feed` returns the chunks completed so
    far (holding back the newest, which may be the last), `finish` the rest. ClipTooLarge as
    soon as the clip passes `max_bytes`; memory stays at about two chunks whatever the size."""

    def __init__(self, data_key: bytes, max_bytes: int) -> None:
        self.cipher, self.max_bytes = AESGCM(data_key), max_bytes
        self.pending, self.index, self.size = bytearray(), 0, 0

    def feed(self, data: bytes | memoryview) -> list[bytes]:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise ClipTooLarge(f"larger than {self.max_bytes} bytes")
        self.pending += data
        if len(self.pending) <= CHUNK:
            return []
        whole = (len(self.pending) - 1) // CHUNK * CHUNK  # at least one byte stays pending
        view = memoryview(self.pending)
        sealed = [self._seal(view[at : at + CHUNK], False) for at in range(0, whole, CHUNK)]
        view.release()
        del self.pending[:whole]
        return sealed

    def finish(self) -> list[bytes]:
        if not self.pending:
            return []
        last, self.pending = self._seal(bytes(self.pending), True), bytearray()
        return [last]

    def _seal(self, part: bytes | memoryview, last: bool) -> bytes:
        sealed = self.cipher.encrypt(_nonce(self.index), part, _associated(last))
        self.index += 1
        return sealed


def seal(data_key: bytes, stream: Readable, max_bytes: int, head: bytes = b"") -> Iterator[bytes]:
    """The sealed chunks of `head` then the rest of `stream`, read a few chunks at a time
    (memory stays bounded whatever the size); ClipTooLarge as soon as the clip passes
    `max_bytes`."""
    sealer = Sealer(data_key, max_bytes)
    yield from sealer.feed(head)
    while more := stream.read(READ):
        yield from sealer.feed(more)
    yield from sealer.finish()


def chunks_for(start: int, stop: int, plain_size: int) -> range:
    """The chunk indexes holding plain bytes [start, stop)."""
    if stop <= start:
        return range(0)
    last = min(stop, plain_size) - 1
    return range(start // CHUNK, last // CHUNK + 1)


def open_chunks(data_key: bytes, first: int, sealed: bytes, plain_size: int) -> bytes:
    """The plain bytes of consecutive sealed chunks starting at chunk `first`."""
    cipher = AESGCM(data_key)
    count = math.ceil(plain_size / CHUNK)
    plain = []
    for offset in range(0, len(sealed), SEALED_CHUNK):
        index = first + offset // SEALED_CHUNK
        try:
            plain.append(
                cipher.decrypt(
                    _nonce(index),
                    sealed[offset : offset + SEALED_CHUNK],
                    _associated(index == count - 1),
                )
            )
        except InvalidTag as error:
            raise TamperedClip(f"chunk {index} does not open") from error
    return b"".join(plain)
