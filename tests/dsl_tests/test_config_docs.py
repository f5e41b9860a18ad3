"""The configurations the README shows and `goalline init` writes are ones goalline accepts,
and every key the parser knows is named in docs/commands.md."""

from __future__ import annotations

import re
from datetime import timedelta

from dsl.notify.config import EXAMPLE, parse_config

from ..helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")


def test_the_readme_configuration_is_accepted_as_it_reads() -> None:
    (block,) = re.findall(r"```toml\n(.*?)```", README, re.S)
    config = parse_config(block, "README.md")
    assert config.db == "helpdesk.db"
    assert config.notify.channels == ("email", "webhook", "command")
    assert config.notify.email is not None
    assert (config.notify.email.port, config.notify.email.security) == (587, "starttls")
    assert config.notify.retry_after == timedelta(minutes=1)
    assert config.notify.command is not None
    assert config.notify.command.run == ("/usr/local/bin/page-someone", "--json")


def test_the_example_goalline_init_writes_is_accepted_and_sends_e_mail() -> None:
    config = parse_config(EXAMPLE)
    assert config.notify.channels == ("email",)
    assert config.notify.max_attempts == 5


def test_every_key_of_every_table_is_documented() -> None:
    section = COMMANDS.split("## goalline init", 1)[1].split("## goalline notify", 1)[0]
    for key in re.findall(r"^#? ?([a-z_]+) = ", EXAMPLE, re.M):
        assert re.search(rf"[` ]{key}`", section), f"{key} is not described under goalline init"
