"""Sealed clips in any S3-compatible object store (AWS, MinIO, SeaweedFS, Ceph ...), by boto3.

Uploads go up in parts of `PART` bytes (a multipart upload; one PUT when the clip fits in one
part), so memory stays bounded whatever the size; an upload that fails or is refused half-way
is aborted, leaving no part behind. Reads are ranged GETs. Nothing is ever public: the app
serves every byte itself.
"""

from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from app.storage.stores import checked, put

PART = 8 * 1024 * 1024  # S3 needs 5 MiB or more for every part but the last
# Parts on their way at once: sealing the next part overlaps sending the others, and memory
# stays at (IN_FLIGHT + 1) parts whatever the clip's size.
IN_FLIGHT = 3


class S3Store:
    """Clips as objects named by their keys (under an optional prefix) in one bucket."""

    name = "s3"

    def __init__(
        self,
        bucket: str,
        endpoint: str | None = None,
        region: str | None = None,
        prefix: str = "",
        path_style: bool = True,
        client: Any = None,
    ) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = client or boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or None,
            region_name=region or None,
            config=BotoConfig(
                s3={"addressing_style": "path" if path_style else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
                # Checksums only where the store asks: on-premise stores refuse some of AWS's.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def _name(self, key: str) -> str:
        return f"{self.prefix}{checked(key)}"

    def begin(self, key: str) -> "_S3Writer":
        return _S3Writer(self.client, self.bucket, self._name(key))

    def put(self, key: str, parts: Iterable[bytes]) -> int:
        return put(self, key, parts)

    def read(self, key: str, start: int, length: int) -> bytes:
        if length <= 0:
            return b""
        answer = self.client.get_object(
            Bucket=self.bucket, Key=self._name(key), Range=f"bytes={start}-{start + length - 1}"
        )
        body = answer["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if name.isalnum():
                    yield name

    def abort_abandoned(self, older_than: timedelta) -> int:
        """Abort multipart uploads begun more than `older_than` ago (a server killed mid-upload
        cannot abort its own); how many were aborted."""
        cutoff, aborted = datetime.now(UTC) - older_than, 0
        answer = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        for upload in answer.get("Uploads", []):
            if upload["Initiated"] < cutoff:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
                aborted += 1
        return aborted

    def check(self) -> str:
        self.client.head_bucket(Bucket=self.bucket)
        return f"s3 bucket {self.bucket}"


class _S3Writer:
    """An object written in parts of PART bytes: one PUT when it fits in one part, a multipart
    upload (its parts sent while the next is written) otherwise."""

    def __init__(self, client: Any, bucket: str, name: str) -> None:
        self.client, self.bucket, self.name = client, bucket, name
        self.buffer, self.size = bytearray(), 0
        self.upload: _PartUploads | None = None

    def write(self, data: bytes) -> None:
        self.buffer += data
        self.size += len(data)
        if len(self.buffer) >= PART:
            self.upload = self.upload or _PartUploads(self.client, self.bucket, self.name)
            self.upload.send(bytes(self.buffer))
            self.buffer = bytearray()

    def commit(self) -> int:
        if self.upload is None:
            self.client.put_object(Bucket=self.bucket, Key=self.name, Body=bytes(self.buffer))
        else:
            if self.buffer:
                self.upload.send(bytes(self.buffer))
            self.upload.complete()
        self.buffer, self.upload = bytearray(), None
        return self.size

    def abort(self) -> None:
        upload, self.upload, self.buffer = self.upload, None, bytearray()
        if upload is not None:
            upload.abort()


class _PartUploads:
    """One multipart upload whose parts are sent by a few threads while the next is sealed."""

    def __init__(self, client: Any, bucket: str, name: str) -> None:
        self.client, self.bucket, self.name = client, bucket, name
        self.upload_id = client.create_multipart_upload(Bucket=bucket, Key=name)["UploadId"]
        self.pool = ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="clip-part")
        self.sent: list[Future[dict[str, Any]]] = []

    def send(self, data: bytes) -> None:
        """Queue the next part, first waiting while IN_FLIGHT parts are still on their way."""
        waiting = [future for future in self.sent if not future.done()]
        if len(waiting) >= IN_FLIGHT:
            wait(waiting, return_when=FIRST_COMPLETED)
        for future in self.sent:
            if future.done():
                future.result()  # a part that failed fails the upload now
        self.sent.append(self.pool.submit(self._part, len(self.sent) + 1, data))

    def _part(self, number: int, data: bytes) -> dict[str, Any]:
        answer = self.client.upload_part(
            Bucket=self.bucket, Key=self.name, UploadId=self.upload_id, PartNumber=number, Body=data
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def complete(self) -> None:
        done = [future.result() for future in self.sent]
        self.pool.shutdown()
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.name,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": done},
        )

    def abort(self) -> None:
        """Stop: no part is left in the store (parts still on their way are waited for)."""
        self.pool.shutdown(cancel_futures=True)
        self.client.abort_multipart_upload(
            Bucket=self.bucket, Key=self.name, UploadId=self.upload_id
        )
