"""`jijiao serve` as a real process on a test database, for what one in-process app cannot show."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: Settings, log_dir: Path, *, workers: int = 1, **env: str) -> Iterator[str]:
    """The base URL of `jijiao serve` on ``settings``' database, stopped on exit."""
    port = _free_port()
    log_path = log_dir / f"serve-{port}.log"
    environment = dict(os.environ, JIJIAO_DATABASE_URL=settings.database_url,
                       JIJIAO_DATA_DIR=str(settings.data_dir), PYTHONUNBUFFERED="1", **env)
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port",
                                   str(port), "--workers", str(workers)], cwd=ROOT, env=environment, stdout=log,
                                  stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(20)
