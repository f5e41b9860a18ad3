"""The session's first evaluation runs in a forked process (`tui.state.evaluate_forked`) and
comes back as the evaluation in this process would have been; should the child fail, the
evaluation runs here instead."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dsl.api import compile
from dsl.cli.demo import PLAN_NAME, STORE_NAME
from tui.state import evaluate_forked, evaluate_now, explain_cycle

AS_OF = datetime(2027, 1, 1, tzinfo=UTC)


def test_the_forked_evaluation_is_the_evaluation_here(sample: Path) -> None:
    plan, db = str(sample / PLAN_NAME), str(sample / STORE_NAME)
    program = compile(plan)
    forked = evaluate_forked(plan, db, AS_OF, program).result(timeout=120)
    here = evaluate_now(plan, db, AS_OF, program)
    assert forked.report == here.report
    assert forked.acknowledged == here.acknowledged
    assert forked.problems == () and forked.program is program
    assert forked.outcome is not None and forked.outcome.checked is program.checked
    # the queries came along: the goal screen can explain a cycle from it
    fast = (
        next(g for g in forked.report.goals if g.id == "fast_resolution") if forked.report else None
    )
    assert fast is not None
    moved = next(c for c in fast.cycles if str(c.start) == "2026-08-17")
    text = explain_cycle(forked, db, "fast_resolution", moved.index).words
    assert "The status is excluded: it lies wholly inside the exclusion server_move." in text


def test_a_child_that_sends_nothing_leaves_the_evaluation_to_this_process(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, db = str(sample / PLAN_NAME), str(sample / STORE_NAME)
    program = compile(plan)

    def refuse(*_: object, **__: object) -> bytes:
        raise pickle.PicklingError("cannot send it")

    monkeypatch.setattr(pickle, "dumps", refuse)  # in the child, which is forked from here
    loaded = evaluate_forked(plan, db, AS_OF, program).result(timeout=120)
    assert loaded.report is not None and loaded.problems == ()
    assert loaded.report == evaluate_now(plan, db, AS_OF, program).report
