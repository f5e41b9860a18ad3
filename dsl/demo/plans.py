"""The bundled sample plans: a copy inside the installed package, or `sample-plans/` in a
checkout (the same fallback as the grammar)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CUSTOMER_SUPPORT = "customer-support.goal"


def sample_plan(name: str = CUSTOMER_SUPPORT) -> str:
    packaged = resources.files(__package__).joinpath("samples", name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "sample-plans" / name
    return checkout.read_text(encoding="utf-8")
