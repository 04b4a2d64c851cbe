"""Both clip stores, one suite: a local folder and a real S3 server (SeaweedFS). Clips are
sealed on the way in, read back by any range, refused when tampered with, and a failed or
refused upload leaves nothing behind, not even an upload part."""

import base64
import io
import os

import pytest

from app.storage import ClipStorage, ClipTooLarge, TamperedClip
from app.storage.keys import KeyProblem, KeyRing, WrappedKey, new_key_line, ring_from_settings
from app.storage.reader import ClipReader
from app.storage.s3 import PART, S3Store
from app.storage.sealing import CHUNK, READ, SEALED_CHUNK, sealed_size
from app.storage.stores import BadKey, ByteStore, FolderStore
from tests.s3_server import BUCKET, S3Server


def _ring(*ids: str) -> KeyRing:
    return KeyRing({key_id: os.urandom(32) for key_id in ids}, ids[-1])


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path) -> ByteStore:
    if request.param == "local":
        return FolderStore(tmp_path / "clips")
    server: S3Server = request.getfixturevalue("s3_server")
    return S3Store(bucket=BUCKET, prefix=server.new_prefix(), client=server.client())


@pytest.fixture
def storage(store: ByteStore) -> ClipStorage:
    return ClipStorage(store, _ring("k1"), [])


def _left_behind(store: ByteStore) -> list[str]:
    """Whatever the store holds: clips, partial files and unfinished multipart uploads."""
    if isinstance(store, FolderStore):
        return sorted(p.name for p in store.root.iterdir()) if store.root.exists() else []
    assert isinstance(store, S3Store)
    listed = {"Bucket": store.bucket, "Prefix": store.prefix}
    objects = store.client.list_objects_v2(**listed).get("Contents", [])
    uploads = store.client.list_multipart_uploads(**listed).get("Uploads", [])
    named = [o["Key"] for o in objects] + [f"upload:{u['Key']}" for u in uploads]
    return sorted(name.removeprefix(store.prefix) for name in named)


def _raw(store: ByteStore, key: str) -> bytes:
    return store.read(key, 0, 64 * 1024 * 1024)


def _replace_raw(store: ByteStore, key: str, data: bytes) -> None:
    store.delete(key)
    store.put(key, [data])


class RecordingStream(io.BytesIO):
    """A stream that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requests: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.requests.append(-1 if size is None else size)
        return super().read(size)


class BreakingStream(io.RawIOBase):
    """A client that goes away after sending `after` bytes."""

    def __init__(self, after: int) -> None:
        self.left = after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self.left <= 0:
            raise ConnectionResetError("the client went away")
        n = min(len(buffer), self.left)
        buffer[:n] = b"v" * n
        self.left -= n
        return n


def test_a_clip_is_sealed_in_bounded_reads_and_reads_back_whole(storage, store):
    data = os.urandom(3 * CHUNK + 17)
    stream = RecordingStream(data)
    clip = storage.save(stream, 10 * CHUNK)
    assert (clip.size, clip.store) == (len(data), store.name)
    assert clip.wrapped is not None and clip.wrapped.key_id == "k1"
    assert stream.requests and all(0 < n <= READ for n in stream.requests)
    raw = _raw(store, clip.key)
    assert len(raw) == sealed_size(len(data)) == len(data) + 4 * 16
    assert data[:64] not in raw and data[CHUNK : CHUNK + 64] not in raw  # nothing plain at rest
    assert storage.open(clip).read() == data


@pytest.mark.parametrize(
    ("start", "length"),
    [(0, 1), (5, 100), (CHUNK - 3, 7), (CHUNK, CHUNK), (2 * CHUNK + 1, 10**9), (3 * CHUNK + 16, 5)],
)
def test_any_range_reads_the_right_bytes(storage, start, length):
    data = os.urandom(3 * CHUNK + 17)
    clip = storage.save(io.BytesIO(data), 10 * CHUNK)
    reader = storage.open(clip)
    reader.seek(start)
    assert reader.read(length) == data[start : start + length]
    assert reader.tell() == min(start + length, len(data))


def test_a_head_read_first_is_stored_before_the_rest(storage):
    data = os.urandom(CHUNK + 5)
    clip = storage.save(io.BytesIO(data[100:]), 10 * CHUNK, head=data[:100])
    assert storage.open(clip).read() == data


def test_an_oversized_clip_leaves_nothing_behind(storage, store):
    with pytest.raises(ClipTooLarge):
        storage.save(io.BytesIO(b"x" * (2 * CHUNK + 1)), 2 * CHUNK)
    assert _left_behind(store) == []


def test_an_oversized_clip_past_a_part_aborts_its_multipart_upload(storage, store):
    # Past one part of the S3 upload: parts are already up when the limit is passed.
    limit = PART + 3 * CHUNK
    with pytest.raises(ClipTooLarge):
        storage.save(io.BytesIO(b"y" * (limit + 1)), limit)
    assert _left_behind(store) == []


def test_an_upload_cut_off_half_way_leaves_nothing_behind(storage, store):
    with pytest.raises(ConnectionResetError):
        storage.save(io.BufferedReader(BreakingStream(PART + 5 * CHUNK)), 4 * PART)
    assert _left_behind(store) == []


def test_a_clip_larger_than_a_part_goes_up_in_parts_and_reads_back(storage, store):
    data = os.urandom(2 * PART + 12345)
    clip = storage.save(io.BytesIO(data), 4 * PART)
    assert storage.open(clip).read() == data
    reader = storage.open(clip)
    reader.seek(PART - 10)
    assert reader.read(CHUNK) == data[PART - 10 : PART - 10 + CHUNK]
    assert _left_behind(store) == [clip.key]


def test_a_changed_byte_is_refused(storage, store):
    data = os.urandom(2 * CHUNK + 9)
    clip = storage.save(io.BytesIO(data), 10 * CHUNK)
    raw = bytearray(_raw(store, clip.key))
    raw[SEALED_CHUNK + 40] ^= 1  # in the second chunk
    _replace_raw(store, clip.key, bytes(raw))
    with pytest.raises(TamperedClip):
        storage.open(clip).read()
    # Read a chunk at a time, the first still opens; the changed one never does.
    reader = ClipReader(store, clip.key, clip.size, storage.keys().unwrap(clip.wrapped), CHUNK)
    assert reader.read(100) == data[:100]
    reader.seek(CHUNK + 10)
    with pytest.raises(TamperedClip):
        reader.read(10)


def test_chunks_swapped_or_cut_short_are_refused(storage, store):
    data = os.urandom(2 * CHUNK + 9)
    clip = storage.save(io.BytesIO(data), 10 * CHUNK)
    raw = _raw(store, clip.key)
    first, second, last = (
        raw[:SEALED_CHUNK],
        raw[SEALED_CHUNK : 2 * SEALED_CHUNK],
        raw[2 * SEALED_CHUNK :],
    )
    _replace_raw(store, clip.key, second + first + last)
    with pytest.raises(TamperedClip):
        storage.open(clip).read(10)
    # Cut after two whole chunks: the second is not sealed as the last, so it does not open.
    _replace_raw(store, clip.key, first + second)
    short = type(clip)(clip.key, 2 * CHUNK, clip.store, clip.wrapped)
    reader = storage.open(short)
    reader.seek(CHUNK)
    with pytest.raises(TamperedClip):
        reader.read(10)


def test_a_clip_opens_only_under_its_own_data_key(storage):
    one = storage.save(io.BytesIO(os.urandom(CHUNK)), 10 * CHUNK)
    two = storage.save(io.BytesIO(os.urandom(CHUNK)), 10 * CHUNK)
    assert one.wrapped is not None and two.wrapped is not None
    crossed = type(one)(one.key, one.size, one.store, two.wrapped)
    with pytest.raises(TamperedClip):
        storage.open(crossed).read(10)


def test_deleting_twice_is_harmless_and_keys_cannot_leave_the_store(storage, store):
    clip = storage.save(io.BytesIO(os.urandom(100)), 10 * CHUNK)
    storage.delete(clip.key, clip.store)
    storage.delete(clip.key, clip.store)
    assert not store.exists(clip.key)
    for bad in ("../etc/passwd", "", "a/b", "x" * 81):
        with pytest.raises(BadKey):
            store.read(bad, 0, 1)


def test_a_plain_clip_from_before_sealing_still_reads(storage, store):
    data = os.urandom(CHUNK + 3)
    store.put("0123abcd", [data])
    plain = type(storage.save(io.BytesIO(b"z"), 10))("0123abcd", len(data), store.name, None)
    reader = storage.open(plain)
    reader.seek(CHUNK - 1)
    assert reader.read(4) == data[CHUNK - 1 : CHUNK + 3]


def test_the_store_lists_its_clips_and_reports_itself(storage, store):
    kept = {storage.save(io.BytesIO(os.urandom(10)), 10 * CHUNK).key for _ in range(3)}
    assert set(store.keys()) == kept
    assert store.check()


def test_data_keys_wrap_under_the_ring_and_fail_under_another():
    ring, data_key = _ring("old", "new"), os.urandom(32)
    wrapped = ring.wrap(data_key)
    assert wrapped.key_id == "new" and ring.unwrap(wrapped) == data_key
    assert ring.unwrap(ring.wrap(data_key, "old")) == data_key
    with pytest.raises(KeyProblem):
        _ring("new").unwrap(wrapped)  # same id, another key
    with pytest.raises(KeyProblem):
        ring.unwrap(WrappedKey("gone", wrapped.sealed))


def test_a_key_ring_reads_its_settings(tmp_path):
    assert ring_from_settings({}) is None
    one, two = base64.b64encode(os.urandom(32)).decode(), base64.b64encode(os.urandom(32)).decode()
    ring = ring_from_settings({"CLIP_KEYS": f"a={one}, b={two}"})
    assert ring is not None and (ring.ids, ring.current) == (["a", "b"], "b")
    key_file = tmp_path / "keys"
    key_file.write_text(new_key_line("first") + new_key_line("second"))
    ring = ring_from_settings({"CLIP_KEY_FILE": str(key_file), "CLIP_KEY_ID": "first"})
    assert ring is not None and ring.current == "first"
    for bad in ("a=notbase64!", f"a={base64.b64encode(b'short').decode()}", "nokey", f"../x={one}"):
        with pytest.raises(KeyProblem):
            ring_from_settings({"CLIP_KEYS": bad})
    with pytest.raises(KeyProblem):
        ring_from_settings({"CLIP_KEYS": f"a={one}", "CLIP_KEY_ID": "b"})
