"""Rows read by a forked process: the same rows, the same errors, and no process left over."""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from dsl.store.errors import ImportProblem, Widen
from dsl.store.imports import read_aside as aside


def numbered(count: int, then: Exception | None = None) -> Iterator[list[Any]]:
    for n in range(count):
        yield [n, n / 2, f"row {n}", None, 10**30 + n]
    if then is not None:
        raise then


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_every_row_arrives_in_order_across_batches() -> None:
    count = aside.BATCH * 3 + 7
    with aside.read_aside(numbered(count)) as rows:
        received = list(rows)
    assert received == list(numbered(count))
    assert no_child_left()


def test_an_import_problem_met_by_the_reader_is_raised_after_the_rows_before_it() -> None:
    problem = ImportProblem("data.csv:4503: column 'at': 'later' is not a time")
    received: list[list[Any]] = []
    with pytest.raises(ImportProblem) as raised, aside.read_aside(numbered(4_501, problem)) as rows:
        for row in rows:
            received.append(row)
    assert str(raised.value) == "data.csv:4503: column 'at': 'later' is not a time"
    assert len(received) == 4_501
    assert no_child_left()


def test_a_column_to_widen_reaches_the_writer_with_its_column_and_type() -> None:
    with (
        pytest.raises(Widen) as raised,
        aside.read_aside(numbered(10, Widen("score", "float"))) as rows,
    ):
        list(rows)
    assert (raised.value.column, raised.value.to) == ("score", "float")


def test_a_fault_in_the_reader_is_reported_not_lost() -> None:
    with (
        pytest.raises(RuntimeError) as raised,
        aside.read_aside(numbered(3, KeyError("x"))) as rows,
    ):
        list(rows)
    assert str(raised.value) == "reading the input failed: KeyError: 'x'"
    assert no_child_left()


def test_a_writer_that_stops_early_stops_the_reader() -> None:
    endless = ([n] for n in itertools.count())  # the reader would never finish by itself
    with pytest.raises(ValueError), aside.read_aside(endless) as rows:
        for row in rows:
            if row[0] == aside.BATCH * 5:
                raise ValueError("the store refused a row")
    assert no_child_left()


def test_a_reader_that_dies_is_reported() -> None:
    def killed() -> Iterator[list[Any]]:
        yield [1]
        os.kill(os.getpid(), signal.SIGKILL)  # runs in the reader, not in the test
        yield [2]

    with pytest.raises(ImportProblem) as raised, aside.read_aside(killed()) as rows:
        list(rows)
    assert str(raised.value) == "the process reading the input stopped unexpectedly"
    assert no_child_left()


def test_without_fork_the_rows_are_read_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    with aside.read_aside(numbered(5)) as rows:
        assert list(rows) == list(numbered(5))
