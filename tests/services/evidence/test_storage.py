"""The local clip store copies in bounded chunks and keeps nothing when a copy fails."""

import io

import pytest

from app.storage import CHUNK, ClipTooLarge, LocalFolderStorage


class RecordingStream(io.BytesIO):
    """A stream that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requests: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.requests.append(-1 if size is None else size)
        return super().read(size)


def test_a_clip_is_copied_in_bounded_chunks(tmp_path):
    data = b"x" * (3 * CHUNK + 17)
    stream = RecordingStream(data)
    key, size = LocalFolderStorage(tmp_path).save(stream, 10 * CHUNK)
    assert size == len(data)
    assert (tmp_path / key).read_bytes() == data
    assert stream.requests and all(0 < n <= CHUNK for n in stream.requests)


def test_an_oversized_stream_leaves_nothing_behind(tmp_path):
    with pytest.raises(ClipTooLarge):
        LocalFolderStorage(tmp_path).save(io.BytesIO(b"x" * (2 * CHUNK + 1)), 2 * CHUNK)
    assert list(tmp_path.iterdir()) == []


def test_keys_cannot_leave_the_folder(tmp_path):
    with pytest.raises(ValueError):
        LocalFolderStorage(tmp_path).path("../etc/passwd")
