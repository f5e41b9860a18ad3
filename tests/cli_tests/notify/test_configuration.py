"""goalline.toml for notifications: configurations that cannot be used (and say why), one
that is not TOML, `notify` without a channel, the store named by the configuration, and
`goalline init`, whose configuration works as written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dsl.notify.config import EXAMPLE, Email, parse_config

from ...helpers import goalline
from ..servers import Mailbox, free_port
from .conftest import (
    DB,
    JAN,
    RECEIVER,
    configure,
    email_table,
    notify,
    outbox,
    outbox_rows,
    toml_table,
)


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            '[notify.email]\nhots = "127.0.0.1"\nport = 25\nfrom = "a@b.example"\n',
            [
                "[notify.email] unknown key 'hots' (did you mean 'host'?)",
                "[notify.email] host is required",
            ],
        ),
        (
            '[notify.email]\nhost = "127.0.0.1"\nport = "25"\nfrom = "a@b.example"\n'
            'security = "ssl"\n',
            [
                "[notify.email] port must be a whole number, not '25'",
                "[notify.email] security must be one of none, starttls, tls, not 'ssl'",
            ],
        ),
        (
            '[notify]\nretry_after = "soon"\n[notify.webhook]\nurl = "http://127.0.0.1/x"\n',
            ['[notify] retry_after must be a duration such as "30s", "5m", "2h", not \'soon\''],
        ),
        ('[notify.command]\ntimeout = "5s"\n', ["[notify.command] run is required"]),
    ],
)
def test_a_configuration_that_cannot_be_used(desk: Path, text: str, problems: list[str]) -> None:
    Path("goalline.toml").write_text(text, encoding="utf-8")
    for args in (("notify", "plan.goal", "--db", DB), ("outbox", "--db", DB)):
        result = goalline(*args)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.splitlines() == [
            f"goalline: error: goalline.toml: {p}" for p in problems
        ]
    assert outbox_rows(desk / DB) == []


def test_a_configuration_that_is_not_toml(desk: Path) -> None:
    Path("settings.toml").write_text('[notify.email\nhost = "x"\n', encoding="utf-8")
    result = goalline("notify", "plan.goal", "--db", DB, "--config", "settings.toml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "goalline: error: settings.toml: not valid TOML:"
        " Expected ']' at the end of a table declaration (at line 1, column 14)\n"
    )
    missing = goalline("notify", "plan.goal", "--db", DB, "--config", "nowhere.toml")
    assert (missing.exit_code, missing.stderr) == (
        2,
        "goalline: error: cannot read nowhere.toml: No such file or directory\n",
    )


def test_notify_needs_a_channel(desk: Path) -> None:
    no_file = notify()
    message = (
        "goalline: error: no channel to deliver through: add [notify.email], [notify.webhook]"
        " or [notify.command] to goalline.toml (`goalline init` writes an example)\n"
    )
    assert (no_file.exit_code, no_file.stdout, no_file.stderr) == (2, "", message)
    configure()  # [notify] without a channel
    assert (notify().exit_code, notify().stderr) == (2, message)
    assert outbox_rows(desk / DB) == []
    empty = goalline("outbox", "--db", DB)
    assert (empty.exit_code, empty.stdout) == (
        0,
        "the outbox is empty: `goalline notify PLAN` fills it\n",
    )
    assert outbox() == []


def test_the_store_can_come_from_the_configuration(desk: Path) -> None:
    Path("receive.py").write_text(RECEIVER, encoding="utf-8")
    Path("goalline.toml").write_text(
        f'db = "{DB}"\n\n'
        + toml_table("notify.command", run=[sys.executable, "receive.py", "got.jsonl"]),
        encoding="utf-8",
    )
    result = goalline("notify", "plan.goal", "--as-of", "2026-03-01")
    assert (result.exit_code, result.stdout) == (
        0,
        "1 new event in the outbox; 1 delivery sent (1 by command)\n",
    )
    assert [e["key"] for e in outbox()] == [JAN]

    Path("goalline.toml").write_text(
        toml_table("notify.command", run=[sys.executable, "receive.py", "got.jsonl"]),
        encoding="utf-8",
    )
    nowhere = goalline("notify", "plan.goal")
    assert (nowhere.exit_code, nowhere.stderr) == (
        2,
        "goalline: error: no store given: use --db DB, or set `db` in goalline.toml\n",
    )


def test_init_writes_a_configuration_that_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = goalline("init")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout == "wrote goalline.toml: set the channels, then run `goalline notify PLAN`\n"
    )
    text = (tmp_path / "goalline.toml").read_text(encoding="utf-8")
    assert text == EXAMPLE
    config = parse_config(text)
    assert config.notify.email == Email(host="127.0.0.1", port=8025, sender="goalline@example.com")
    assert config.notify.channels == ("email",)

    (tmp_path / "goalline.toml").write_text("db = 'mine.db'\n", encoding="utf-8")
    again = goalline("init")
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr == "goalline: error: goalline.toml exists already; --force replaces it\n"
    assert (tmp_path / "goalline.toml").read_text(encoding="utf-8") == "db = 'mine.db'\n"

    forced = goalline("init", "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "goalline.toml").read_text(encoding="utf-8") == EXAMPLE


def test_init_never_writes_through_a_link_at_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "elsewhere.txt"  # a link that leads nowhere yet, and then somewhere
    (tmp_path / "goalline.toml").symlink_to(victim)
    refused = goalline("init")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "goalline: error: goalline.toml exists already; --force replaces it\n",
    )
    assert not victim.exists()
    victim.write_text("precious\n", encoding="utf-8")
    assert goalline("init", "--force").exit_code == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (tmp_path / "goalline.toml").is_symlink()
    assert (tmp_path / "goalline.toml").read_text(encoding="utf-8") == EXAMPLE


def test_the_written_configuration_delivers(desk: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    assert goalline("init").exit_code == 0
    text = (
        Path("goalline.toml").read_text(encoding="utf-8").replace("port = 8025", f"port = {port}")
    )
    Path("goalline.toml").write_text(text, encoding="utf-8")
    result = notify("2026-03-01")
    assert (result.exit_code, result.stdout) == (
        0,
        "1 new event in the outbox; 2 deliveries sent (2 by email)\n",
    )
    assert {m.mail_from for m in box.mails} == {"goalline@example.com"}


def test_a_password_in_clear_text_is_refused_and_on_this_machine_only_told(desk: Path) -> None:
    login = {"user_env": "DESK_SMTP_USER", "password_env": "DESK_SMTP_PASSWORD"}
    configure(email_table(free_port(), security="none", **login))
    told = notify()
    assert told.stderr.splitlines()[0] == (
        "goalline: warning: goalline.toml: [notify.email] user_env and password_env would send"
        ' the password to 127.0.0.1 in clear text; use security = "starttls" or "tls" unless'
        " the server stays on this machine"
    )
    configure(email_table(25, security="none", **login).replace("127.0.0.1", "mail.example.com"))
    refused = notify()
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        "goalline: error: goalline.toml: [notify.email] user_env and password_env would send"
        ' the password to mail.example.com in clear text: use security = "starttls" or "tls"\n'
    )
