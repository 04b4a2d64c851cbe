"""The suite's SeaweedFS starts again on other ports when one it chose was taken in the moment
between finding it free and binding it (seen in a full run: a whole module's tests errored)."""

import socket
from pathlib import Path

import pytest

from tests import s3_server


def test_a_port_taken_before_seaweedfs_binds_it_is_survived(tmp_path: Path, monkeypatch):
    if s3_server.weed_binary() is None:
        pytest.skip("weed is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        real = s3_server._free_pair
        calls = iter(range(10_000))

        def first_taken() -> int:  # the first attempt's filer port is the one held here
            return port if next(calls) == 2 else real()

        monkeypatch.setattr(s3_server, "_free_pair", first_taken)
        server = s3_server.start_s3_server(tmp_path, timeout=60)
        try:
            assert "address already in use" in (tmp_path / "attempt-1" / "weed.log").read_text()
            assert server.folder == tmp_path / "attempt-2"
            assert server.client().list_objects_v2(Bucket=s3_server.BUCKET)["KeyCount"] == 0
        finally:
            server.stop()
