"""Read an import's rows in a second process, so that reading and converting the input and
writing the store run at the same time on two cores.

Python converts a row in about the time SQLite takes to write it, and one process can only
do one after the other; a forked reader hands rows over in batches through a pipe, and the
import then takes about as long as the writing alone. Where a process cannot fork, the rows
are read in this one. The reader stops by itself when the writer stops reading.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
from collections.abc import Iterator
from typing import Any, NoReturn

from ..errors import ImportProblem, Widen

BATCH = 2_000  # rows per message: big enough to be cheap, small enough to keep memory flat
PIPE_BYTES = 1 << 20  # Linux pipes hold 64 KB by default: a batch would need many wake-ups
_ROWS, _END, _PROBLEM, _WIDEN, _FAILED = range(5)


@contextlib.contextmanager
def read_aside(rows: Iterator[list[Any]]) -> Iterator[Iterator[list[Any]]]:
    """The same rows, read by a forked process while the caller writes them. An exception
    the reader meets (`ImportProblem`, `Widen`) is raised here, where the rows are taken."""
    if not hasattr(os, "fork"):
        yield rows
        return
    import fcntl  # where there is fork(), there is fcntl

    read_end, write_end = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # Linux only; elsewhere the default
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    child = os.fork()
    if child == 0:
        os.close(read_end)
        _read(rows, write_end)
    os.close(write_end)
    try:
        yield _received(read_end)
    finally:
        os.close(read_end)  # a reader still writing meets a broken pipe and stops
        os.waitpid(child, 0)


def _read(rows: Iterator[list[Any]], fd: int) -> NoReturn:
    """The reader: send the rows, then the end or what stopped them, and leave at once,
    without running this process's clean-up (the store's connection belongs to the parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    batch: list[list[Any]] = []
    outcome: tuple[int, Any] = (_END, None)
    try:
        try:
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    _send(fd, _ROWS, batch)
                    batch = []
        except ImportProblem as problem:
            outcome = (_PROBLEM, str(problem))
        except Widen as widen:
            outcome = (_WIDEN, (widen.column, widen.to))
        except Exception as exc:  # a fault in goalline itself: the writer reports it
            outcome = (_FAILED, f"{type(exc).__name__}: {exc}")
        if batch:
            _send(fd, _ROWS, batch)
        _send(fd, *outcome)
    except OSError:  # the writer stopped reading
        pass
    finally:
        os._exit(0)


def _send(fd: int, kind: int, payload: Any) -> None:
    body = marshal.dumps(payload)
    message = memoryview(bytes((kind,)) + len(body).to_bytes(4, "little") + body)
    while message:
        message = message[os.write(fd, message) :]


def _received(fd: int) -> Iterator[list[Any]]:
    with os.fdopen(fd, "rb", closefd=False) as pipe:
        while True:
            head = pipe.read(5)
            if len(head) < 5:
                raise ImportProblem("the process reading the input stopped unexpectedly")
            payload = marshal.loads(pipe.read(int.from_bytes(head[1:], "little")))
            kind = head[0]
            if kind == _ROWS:
                yield from payload
            elif kind == _END:
                return
            elif kind == _PROBLEM:
                raise ImportProblem(payload)
            elif kind == _WIDEN:
                raise Widen(*payload)
            else:
                raise RuntimeError(f"reading the input failed: {payload}")
