"""Servers that tests start for themselves on 127.0.0.1 and a free port, and stop: Redis (the
Celery broker) and PostgreSQL (the production Dagster instance), from Debian's packages."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
POSTGRES_MISSING = (
    None
    if POSTGRES_BINARIES
    else "PostgreSQL server is not installed (Debian package postgresql; .ci/run installs it)"
)
REDIS_MISSING = (
    None
    if shutil.which("redis-server")
    else "redis-server is not installed (Debian package redis-server; .ci/run installs it)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def stop(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """End a process started with start_new_session=True, and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=60)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A Redis server without persistence; yields its URL without a database number."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


@dataclass(frozen=True)
class Postgres:
    """A running PostgreSQL cluster with an empty database `dagster` (trust authentication)."""

    port: int
    user: str = "postgres"
    database: str = "dagster"

    def environment(self) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads."""
        return {
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_DB": self.database,
            "DAGSTER_PG_USER": self.user,
            "DAGSTER_PG_PASSWORD": "unused-with-trust-authentication",
        }


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A fresh cluster in a folder of its own (initdb takes about 2 s), stopped and removed after.

    The folder is not under pytest's temporary folders, which the `postgres` user cannot enter.
    """
    binaries = POSTGRES_BINARIES[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="test-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        os.chown(sockets, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        [*_as_postgres_user(), str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--no-sync", "-E", "UTF8", "--locale=C"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [*_as_postgres_user(), str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets),
         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port)
        for _ in range(100):  # the port opens before the server accepts logins
            created = subprocess.run(
                [str(binaries.parent / "bin" / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                 "dagster"],
                capture_output=True, text=True,
            )  # fmt: skip
            if created.returncode == 0:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"createdb failed: {created.stderr}")
        yield Postgres(port)
    finally:
        stop(server, signal.SIGTERM)
        shutil.rmtree(folder, ignore_errors=True)
