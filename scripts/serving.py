"""Serving the tracker in a subprocess for the load tests and benchmarks: gunicorn with
gthread workers over the app factory (production's server, ``scripts/serve``) or waitress
(the demo's), on a free loopback port, with the demo's clock."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO_TODAY = "2020-11-20"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a served tracker on ``url`` with the demo's clock."""
    env = dict(os.environ)
    env.update(
        {
            "TRACKER_DATABASE_URL": url,
            "TRACKER_TODAY": DEMO_TODAY,
            "TRACKER_SECRET_KEY": "load-test-secret-key",
            "FLASK_APP": "tracker",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def server_command(kind: str, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn with gthread workers over the app factory (as ``scripts/serve`` runs it:
    ``tracker.wsgi.serving_app``), or waitress (the demo's)."""
    if kind == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "tracker.wsgi:serving_app()",
        ]
    return [
        sys.executable,
        "-m",
        "waitress",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--call",
        "tracker.wsgi:serving_app",
    ]


@contextmanager
def served(
    url: str, kind: str = "gunicorn", workers: int = 2, threads: int = 8, log: Path | None = None
) -> Iterator[str]:
    """Serve the tracker on ``url`` in a subprocess; yields its base URL, stops it after."""
    port = free_port()
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        server_command(kind, port, workers, threads),
        env=server_env(url),
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log and output is not subprocess.DEVNULL:
            output.close()  # type: ignore[union-attr]


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")
