"""Clip uploads through the pages, in both stores: the settings, the upload as a browser
encodes it, and what a store holds (clips and unfinished uploads)."""

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.storage.s3 import S3Store

CLIP_LIMIT = 200_000


@pytest.fixture(params=["local", "s3"])
def app_settings(request, app_settings, tmp_path):
    """Clips in a local folder, and again in a real S3 server (a test module that imports
    this fixture runs each of its tests in both)."""
    app_settings.update(CLIP_STORAGE_DIR=str(tmp_path / "clips"), CLIP_MAX_BYTES=CLIP_LIMIT)
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        app_settings.update(server.settings(server.new_prefix()))
    return app_settings


def left_in_store(app) -> list[str]:
    """Every clip and unfinished upload the configured store holds."""
    store = app.extensions["clip_storage"].store
    kept = list(store.keys())
    if isinstance(store, S3Store):
        listed = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
        kept += [upload["Key"] for upload in listed.get("Uploads", [])]
    else:
        kept += [path.name for path in store.root.glob(".*.part")]
    return kept


def upload(client, film_id: int, data: bytes, name: str = "clip.mp4"):
    """POST a clip as a browser encodes it (in memory: the test client's own encoding spools
    a large body to a temporary file it never closes)."""
    boundary, body = encode_multipart({"clip": FileStorage(io.BytesIO(data), filename=name)})
    return post_body(client, film_id, body, f"multipart/form-data; boundary={boundary}")


def post_body(client, film_id: int, body: bytes, content_type: str):
    """POST these bytes, as they are, to a film's clip upload."""
    return client.post(f"/films/{film_id}/clip", data=body, content_type=content_type)
