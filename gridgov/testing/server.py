"""A real gridgov server for API and browser tests: its own database (a SQLite file, or a
fresh PostgreSQL database beside the test database), migrated, loaded with the test world,
served by gunicorn exactly as in production. Tests talk to it over HTTP only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'live.sqlite3'}"
    import psycopg

    base, _, _db = url.rpartition("/")
    name = f"gridgov_live_{os.getpid()}_{tmp.name[-8:].lower()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


LOADERS = {
    "world": ["shell", "-c", "from gridgov.testing.world import build_world; build_world()"],
    # the real demo district, with fewer residents so that it loads in seconds
    "demo": ["demo", "--residents", "3000"],
}


class LiveServer:
    def __init__(self, loader: str = "world"):
        self.loader = loader
        self.tmp = Path(tempfile.mkdtemp(prefix="gridgov-live-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "GRIDGOV_VAR_DIR": str(self.tmp),
            "DATABASE_URL": _database_url(self.tmp),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # as behind the production proxy: a test may act from an address of its own
            # (X-Forwarded-For), so that locking one out leaves 127.0.0.1 to the others
            "GRIDGOV_TRUST_X_FORWARDED_FOR": "1",
        }
        self.proc: subprocess.Popen | None = None

    def manage(self, *args: str, input_text: str | None = None) -> str:
        result = subprocess.run(
            [str(BIN / "gridgov"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            input=input_text,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"gridgov {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start(self) -> LiveServer:
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.manage(*LOADERS[self.loader])
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "gridgov.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/login/", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gridgov server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None
        shutil.rmtree(self.tmp, ignore_errors=True)
