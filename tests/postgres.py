"""A throwaway PostgreSQL for the tests: a cluster made by the system's `initdb` in a
temporary folder, listening only on a Unix socket there (no TCP port to collide with
another test run), trusted for its own user, and removed when the tests end.

PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` account
and its programs run through `runuser`. `make test` makes sure the programs are installed
(see the Makefile's `postgres` target); a machine without them fails here with one line
saying what is missing, never a skip."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "goalline"


def _program(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run `make test`, which installs it"
        )
    return found


def _run(argv: list[str], owner: str | None) -> None:
    command = ["runuser", "-u", owner, "--", *argv] if owner else argv
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} failed: {done.stderr.strip() or done.stdout}")


@contextmanager
def cluster() -> Iterator[str]:
    """A running cluster; yields its connection URL (`postgresql://goalline@/postgres?host=`
    the socket's folder)."""
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="goalline-pg-"))
    data, socket = folder / "data", folder / "socket"
    socket.mkdir()
    if owner:
        shutil.chown(folder, owner)
        shutil.chown(socket, owner)
    try:
        _run(
            [_program("initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
             "--no-locale", "--no-sync"],
            owner,
        )  # fmt: skip
        options = f"-k {socket} -c listen_addresses='' -F -c shared_buffers=16MB"
        # the server's output goes to a log, not to the pipe `_run` reads until it closes
        log = str(folder / "server.log")
        _run(
            [_program("pg_ctl"), "-D", str(data), "-l", log, "-o", options, "-w", "-s", "start"],
            owner,
        )
        try:
            yield f"postgresql://{USER}@/postgres?host={socket}"
        finally:
            _run([_program("pg_ctl"), "-D", str(data), "-m", "immediate", "-s", "stop"], owner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_database(url: str, name: str) -> str:
    """A new, empty database in the cluster at `url` (whose database is `postgres`), its URL:
    each test module that writes gets its own, as a user's database would be."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        # FORCE: a pool an in-process `watch` or review session left open holds connections
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.replace("/postgres?", f"/{name}?", 1)


_MADE: set[str] = set()


def emptied(url: str, name: str) -> str:
    """A database of the cluster at `url` without goalline's schema (made the first time, then
    emptied for each test that asks): faster than a new database per test."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        if name not in _MADE:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
            _MADE.add(name)
    target = url.replace("/postgres?", f"/{name}?", 1)
    with psycopg.connect(target, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS goalline CASCADE")
    return target
