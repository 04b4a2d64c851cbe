"""Uploading a clip over real HTTP to each clip store, beside copying the same bytes without the
app, and reading a range back. Prints figures beside their goals; asserts nothing.

    .venv/bin/python -m bench.uploads          # BENCH_UPLOAD_MIB=100,1024 by default

For each size it writes a file that is an MP4 by its first bytes, then measures:
- `cp` of the file to another file of the same folder (the folder backend's yardstick; also
  with the copy flushed by fsync, as the folder backend flushes each clip) and a plain boto3
  `put_object` of it to SeaweedFS (the S3 backend's), the best of three each;
- the floor of any upload to the folder: the file read and sealed, writing nothing (the
  encryption alone); the file sent over a loopback socket by the kernel and written to a file
  flushed by fsync, with no HTTP at all, plain and sealed on the way;
- the upload through gunicorn (`ATTUNE_ENV=production`, 2 workers x 4 threads, on a copy of the
  demo in SQLite), as a browser sends it: one multipart/form-data POST with the CSRF token, the
  body streamed from the file over loopback, until the redirect comes back; sealed with
  AES-256-GCM on the way, to the folder backend and to the S3 one; a fresh server for each
  upload, so that the workers' peak resident memory (VmHWM) belongs to that upload;
- every timing begins after `sync`, so that what an earlier one left to write back does not
  slow it;
- for the largest size, 1 MiB ranges read back from the middle of the clip (new connection each).
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.storage import sealing
from tests.builders.evidence import MP4_HEADER
from tests.live.client import Browser
from tests.live.crawler import Crawler
from tests.live.page_forms import forms_on
from tests.live.server import (
    DemoTemplate,
    child_pids,
    free_port,
    production_environment,
    run_gunicorn,
    seed_template,
)
from tests.s3_server import BUCKET, S3Server, start_s3_server
from tests.smtp_server import start_smtp_server

MiB = 1024 * 1024
SIZES = [int(n) * MiB for n in os.environ.get("BENCH_UPLOAD_MIB", "100,1024").split(",")]
RANGE_READS = 20
# What a folder upload is shown beside: the yardstick, then floors no upload can beat.
FOLDER_YARDSTICKS = (
    "cp",
    "cp + fsync",
    "read + sealing (no write)",
    "socket (not flushed)",
    "socket + fsync",
    "socket + sealing + fsync",
)
FIRST_ROWS = ("cp", "put_object")  # one row per upload
BOUNDARY = "bench-upload-boundary"


def write_clip(path: Path, size: int) -> None:
    """`size` bytes that are an MP4 by their signature (random after it, 8 MiB repeated)."""
    block = os.urandom(8 * MiB)
    with path.open("wb") as out:
        out.write(MP4_HEADER)
        left = size - len(MP4_HEADER)
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= len(block)


def best_of(runs: int, action: Any) -> float:
    """The shortest of `runs` timings of `action()`, in seconds."""
    times = []
    for _ in range(runs):
        os.sync()  # what earlier runs left to write back must not slow this one
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def copy_time(source: Path, synced: bool) -> float:
    """`cp` of the file, and with `synced` its copy flushed to disk as well (the folder backend
    flushes each clip before the film points at it; `cp` alone leaves it in the page cache)."""
    target = source.with_suffix(".copy")

    def copy() -> None:
        subprocess.run(["cp", str(source), str(target)], check=True)
        if synced:
            with target.open("rb") as copied:
                os.fsync(copied.fileno())

    seconds = best_of(3, copy)
    target.unlink()
    return seconds


def sealing_time(source: Path) -> float:
    """Reading the file (from the page cache) and sealing it with AES-256-GCM as the app does,
    writing nothing: the encryption the issue includes in every upload, on its own."""
    key = sealing.new_data_key()

    def seal() -> None:
        with source.open("rb") as stream:
            for _ in sealing.seal(key, stream, 2**62):
                pass

    return best_of(3, seal)


def loopback_time(source: Path, sealed: bool, synced: bool = True) -> float:
    """The floor of any upload to the folder backend: the file sent over a loopback socket by
    the kernel (`sendfile`), received 1 MiB at a time into a file that is then flushed by
    fsync (unless not `synced`); no HTTP, no multipart, and with `sealed` each 64 KiB chunk
    sealed with AES-256-GCM on the way (app/storage/sealing, as the folder backend writes it)."""
    target = source.with_suffix(".received")
    key = sealing.new_data_key()

    def receive(listener: socket.socket) -> None:
        connection, _ = listener.accept()
        with connection, target.open("wb") as out:
            stream = connection.makefile("rb", buffering=MiB)
            blocks = (
                sealing.seal(key, stream, 2**62) if sealed else iter(lambda: stream.read(MiB), b"")
            )
            for block in blocks:
                out.write(block)
            out.flush()
            if synced:
                os.fsync(out.fileno())

    def send() -> None:
        with socket.create_server(("127.0.0.1", 0)) as listener:
            receiver = threading.Thread(target=receive, args=(listener,))
            receiver.start()
            with (
                socket.create_connection(listener.getsockname()) as sender,
                source.open("rb") as stream,
            ):
                sender.sendfile(stream)
            receiver.join()

    seconds = best_of(3, send)
    target.unlink()
    return seconds


def put_time(s3: S3Server, source: Path) -> float:
    client = s3.client()

    def put() -> None:
        with source.open("rb") as body:
            client.put_object(Bucket=BUCKET, Key=f"plain/{source.name}", Body=body)

    seconds = best_of(3, put)
    client.delete_object(Bucket=BUCKET, Key=f"plain/{source.name}")
    return seconds


def body_parts(token: str, source: Path) -> tuple[bytes, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="clip"; '
        f'filename="{source.name}"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def chunks(source: Path) -> Iterator[bytes]:
    with source.open("rb") as stream:
        while block := stream.read(MiB):
            yield block


def upload(port: int, browser: Browser, action: str, token: str, source: Path) -> float:
    """Seconds from the request's first byte to the server's answer (which must redirect)."""
    head, tail = body_parts(token, source)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    connection.putrequest("POST", action)
    connection.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in browser.jar))
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(len(head) + source.stat().st_size + len(tail)))
    connection.endheaders()
    connection.send(head)
    for block in chunks(source):
        connection.send(block)
    connection.send(tail)
    answer = connection.getresponse()
    answer.read()
    seconds = time.perf_counter() - start
    connection.close()
    if answer.status != 302:
        raise RuntimeError(f"upload answered {answer.status}")
    return seconds


def peak_rss_mib(server: subprocess.Popen[bytes]) -> float:
    """The largest peak resident set (VmHWM) among the server's workers."""
    peaks = []
    for pid in child_pids(server):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def ranged_reads(browser: Browser, clip: str, size: int) -> list[float]:
    """Milliseconds for each of RANGE_READS reads of 1 MiB from the middle of the clip."""
    times = []
    for n in range(RANGE_READS):
        first = size // 2 + n * 4 * MiB // RANGE_READS - MiB
        start = time.perf_counter()
        answer = browser.get(clip, headers={"Range": f"bytes={first}-{first + MiB - 1}"})
        times.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 206 or len(answer.content) != MiB:
            raise RuntimeError(f"range read answered {answer.status_code}")
    return times


def film_clip_action(browser: Browser) -> str:
    """The trainee's first film's clip address, found by following links from home."""
    crawl = Crawler(browser, "trainee", per_pattern=2, max_visits=60).crawl(["/"])
    forms = [form for page in crawl.pages() for form in forms_on(page.url, page.html or "")]
    return next(f.action for f in forms if f.action.endswith("/clip") and f.file_fields)


def serve_and_upload(
    env: dict[str, str], template: DemoTemplate, source: Path, folder: Path, read_back: bool
) -> dict[str, Any]:
    port = free_port()
    log = folder / f"gunicorn-{env['CLIP_STORAGE']}-{source.stem}.log"
    with run_gunicorn(
        env, port, log, workers=2, threads=4, options=["--timeout=600", "--access-logfile=-"]
    ) as server:
        idle = peak_rss_mib(server)
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.sign_in(*template.accounts["trainee"])
        action = film_clip_action(browser)
        token = browser.csrf_token(action.removesuffix("/clip"))
        os.sync()
        seconds = upload(port, browser, action, token, source)
        result: dict[str, Any] = {"seconds": seconds, "idle_mib": idle}
        result["peak_mib"] = peak_rss_mib(server)
        if read_back:
            result["ranges_ms"] = ranged_reads(browser, action, source.stat().st_size)
    return result


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    print(f"Working in {folder} (Python {sys.version.split()[0]})")
    controller, inbox = start_smtp_server()
    s3 = start_s3_server(folder / "seaweedfs", volume_mb=2048)
    os.environ.update(s3.environment())
    try:
        database = f"sqlite:///{folder / 'demo.db'}"
        template = seed_template(folder / "demo", database, inbox.port)
        base = production_environment(folder / "demo", database, "http://127.0.0.1", inbox.port)
        base |= s3.environment() | {"CLIP_MAX_BYTES": str(max(SIZES) + MiB)}
        # Both stores configured (the app then reads from both), the one written chosen: the
        # demo's film keeps one clip, replaced by each upload, in whichever store took it.
        base |= {k: str(v) for k, v in s3.settings(s3.new_prefix()).items()}
        base["CLIP_STORAGE_DIR"] = str(folder / "clips")
        backends = {name: base | {"CLIP_STORAGE": name} for name in ("local", "s3")}
        rows = []
        for size in SIZES:
            source = folder / f"clip-{size // MiB}.mp4"
            write_clip(source, size)
            yardsticks = {
                "cp": copy_time(source, synced=False),
                "cp + fsync": copy_time(source, synced=True),
                "read + sealing (no write)": sealing_time(source),
                "socket (not flushed)": loopback_time(source, sealed=False, synced=False),
                "socket + fsync": loopback_time(source, sealed=False),
                "socket + sealing + fsync": loopback_time(source, sealed=True),
                "put_object": put_time(s3, source),
            }
            for name, env in backends.items():
                measured = serve_and_upload(env, template, source, folder, size == max(SIZES))
                for beside in FOLDER_YARDSTICKS if name == "local" else ("put_object",):
                    rows.append((size, name, beside, yardsticks[beside], measured))
            source.unlink()
        report(rows)
    finally:
        s3.stop()
        controller.stop()


def report(rows: list[tuple[int, str, str, float, dict[str, Any]]]) -> None:
    print()
    print("| size | store | beside | its time | upload | MiB/s | x | goal | worker RSS idle/peak |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size, name, beside, yardstick, measured in rows:
        seconds = measured["seconds"]
        print(
            f"| {size // MiB} MiB | {name} | {beside} | {yardstick:.2f} s | {seconds:.2f} s "
            f"| {size / MiB / seconds:.0f} | {seconds / yardstick:.2f} | <= 1.5 "
            f"| {measured['idle_mib']:.0f} / {measured['peak_mib']:.0f} MiB |"
        )
    for size, name, beside, _, measured in rows:
        if "ranges_ms" in measured and beside in FIRST_ROWS:
            times = sorted(measured["ranges_ms"])
            print(
                f"1 MiB range from the middle of the {size // MiB} MiB clip ({name}): median "
                f"{statistics.median(times):.1f} ms, worst {times[-1]:.1f} ms (goal < 50 ms)"
            )
    peaks = {
        name: [m["peak_mib"] for _, n, b, _, m in rows if n == name and b in FIRST_ROWS]
        for _, name, _, _, _ in rows
    }
    for name, values in peaks.items():
        print(f"Peak worker RSS by size ({name}): {', '.join(f'{v:.0f} MiB' for v in values)}")


if __name__ == "__main__":
    main()
