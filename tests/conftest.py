"""Fixtures every suite uses: the bundled sample (the plan and generated year `goalline demo`
writes), a fresh store, and a folder of the test's own to work in. Plain helpers (the CLI
runner, reading a store back) are in tests/helpers.py.

A fixture of the same name in a folder's conftest.py or in a test module takes precedence
there; give a local fixture another name when it means something else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME, write_demo
from dsl.store.database import Store

from .helpers import copy_sample


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the sample plan and its generated year (`PLAN_NAME`, `STORE_NAME`),
    written once per test run. Only read it: a test that writes takes `sample_copy`."""
    folder = tmp_path_factory.mktemp("sample")
    write_demo(folder / PLAN_NAME, folder / STORE_NAME)
    return folder


@pytest.fixture
def sample_copy(sample: Path, tmp_path: Path) -> Path:
    """The sample's plan and store copied into `tmp_path / "sample"`, for one test to change."""
    return copy_sample(sample, tmp_path / "sample")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path`, made the current folder for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A new, empty store, `tmp_path / "store.db"`, closed again."""
    path = tmp_path / "store.db"
    Store.open(str(path), create=True).close()
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """The store of `store_path`, open for the test."""
    with Store.open(str(store_path)) as opened:
        yield opened


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole run (one per worker), its URL."""
    from .postgres import cluster

    with cluster() as url:
        yield url
