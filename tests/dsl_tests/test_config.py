"""`goalline.toml`: what a configuration turns into, and every way one can be wrong, each
told in one line that names the file and the table, all of them at once."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from dsl.notify.config import (
    EXAMPLE,
    Command,
    Config,
    ConfigError,
    Email,
    Notify,
    Webhook,
    load_config,
    parse_config,
    parse_duration,
)

FULL = """\
db = "support.db"
timezone = "Asia/Shanghai"

[notify]
max_attempts = 7
retry_after = "30s"

[notify.email]
host = "mail.example.com"
port = 587
from = "goalline@example.com"
security = "starttls"
user_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"
ca_file = "/etc/ssl/company-ca.pem"
timeout = "20s"

[notify.webhook]
url = "https://hooks.example.com/goalline"
timeout = "3s"
token_env = "HOOK_TOKEN"

[notify.command]
run = ["/usr/local/bin/page", "--json"]
timeout = "2m"
"""


def problems(text: str, name: str = "goalline.toml") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, name)
    return str(caught.value).splitlines()


def test_every_setting() -> None:
    assert parse_config(FULL) == Config(
        file="goalline.toml",
        db="support.db",
        timezone="Asia/Shanghai",
        notify=Notify(
            email=Email(
                host="mail.example.com",
                port=587,
                sender="goalline@example.com",
                security="starttls",
                user_env="SMTP_USER",
                password_env="SMTP_PASSWORD",
                ca_file="/etc/ssl/company-ca.pem",
                timeout=timedelta(seconds=20),
            ),
            webhook=Webhook(
                url="https://hooks.example.com/goalline",
                timeout=timedelta(seconds=3),
                token_env="HOOK_TOKEN",
            ),
            command=Command(run=("/usr/local/bin/page", "--json"), timeout=timedelta(minutes=2)),
            max_attempts=7,
            retry_after=timedelta(seconds=30),
        ),
    )
    assert parse_config(FULL).notify.channels == ("email", "webhook", "command")


def test_an_empty_file_is_every_default_and_no_channel() -> None:
    config = parse_config("", "settings.toml")
    assert config == Config(file="settings.toml")
    assert config.notify == Notify(max_attempts=5, retry_after=timedelta(minutes=1))
    assert config.notify.channels == ()


def test_the_defaults_of_each_channel() -> None:
    config = parse_config(
        '[notify.email]\nhost = "h"\nport = 25\nfrom = "a@b.example"\n'
        '[notify.webhook]\nurl = "http://127.0.0.1:9000/x"\n'
        '[notify.command]\nrun = ["page"]\n'
    )
    assert config.notify.email == Email("h", 25, "a@b.example", "none", None, None, None)
    assert config.notify.email.timeout == timedelta(seconds=10)
    assert config.notify.webhook == Webhook("http://127.0.0.1:9000/x", timedelta(seconds=5))
    assert config.notify.command == Command(("page",), timedelta(seconds=30))


def test_the_example_that_init_writes() -> None:
    config = parse_config(EXAMPLE)
    assert config.db is None
    assert config.notify == Notify(
        email=Email(host="127.0.0.1", port=8025, sender="goalline@example.com"),
        max_attempts=5,
        retry_after=timedelta(minutes=1),
    )
    # and with every setting it shows commented out switched on
    settings = re.compile(r"^# (\[|\w+ += )", re.MULTILINE)
    everything = parse_config(settings.sub(r"\1", EXAMPLE))
    assert everything.db == "support.db"
    assert everything.notify.channels == ("email", "webhook", "command")
    assert everything.notify.email is not None
    assert everything.notify.email.password_env == "GOALLINE_SMTP_PASSWORD"
    assert everything.notify.command == Command(
        ("/usr/local/bin/page-someone", "--json"), timedelta(seconds=30)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('tiemzone = "UTC"', ["unknown key 'tiemzone' (did you mean 'timezone'?)"]),
        ("colour = true", ["unknown key 'colour'"]),
        (
            "[notify]\nmax_atempts = 3",
            ["[notify] unknown key 'max_atempts' (did you mean 'max_attempts'?)"],
        ),
        (
            '[notify.webhook]\nurl = "http://h/x"\ntoken = "abc"',
            ["[notify.webhook] unknown key 'token' (did you mean 'token_env'?)"],
        ),
        ("[notify.sms]\nto = 1", ["[notify] unknown key 'sms'"]),
        ("db = 3", ["db must be a string, not 3"]),
        ("notify = 3", ["notify must be a table, not 3"]),
        ('[notify]\nmax_attempts = "5"', ["[notify] max_attempts must be a whole number, not '5'"]),
        (
            "[notify]\nmax_attempts = true",
            ["[notify] max_attempts must be a whole number, not True"],
        ),
        ("[notify]\nmax_attempts = 0", ["[notify] max_attempts must be 1 or more, not 0"]),
        ("[notify]\nretry_after = 60", ["[notify] retry_after must be a string, not 60"]),
        (
            '[notify]\nemail = "mail.example.com"',
            ["[notify] email must be a table, not 'mail.example.com'"],
        ),
        (
            '[notify.email]\nhost = "h"\nport = 25.0\nfrom = "a@b"',
            ["[notify.email] port must be a whole number, not 25.0"],
        ),
        (
            '[notify.email]\nhost = "h"\nport = 70000\nfrom = "a@b"',
            ["[notify.email] port must be between 1 and 65535, not 70000"],
        ),
        (
            '[notify.email]\nhost = "h"\nport = 25\nfrom = "a@b"\nsecurity = "ssl"',
            ["[notify.email] security must be one of none, starttls, tls, not 'ssl'"],
        ),
        (
            '[notify.email]\nhost = "h"\nport = 25\nfrom = "a@b"\nuser_env = "U"',
            ["[notify.email] user_env and password_env go together: give both or neither"],
        ),
        (
            '[notify.email]\nsecurity = "tls"',
            [
                "[notify.email] host is required",
                "[notify.email] port is required",
                "[notify.email] from is required",
            ],
        ),
        (
            '[notify.webhook]\nurl = "hooks.example.com/x"',
            ["[notify.webhook] url must start with http:// or https://, not 'hooks.example.com/x'"],
        ),
        ('[notify.webhook]\ntimeout = "1s"', ["[notify.webhook] url is required"]),
        (
            '[notify.command]\nrun = "page --json"',
            ["[notify.command] run must be a list, not 'page --json'"],
        ),
        *(
            (
                f"[notify.command]\nrun = {run}",
                ['[notify.command] run must be a program and its arguments: ["program", "--flag"]'],
            )
            for run in ("[]", '["", "x"]', '["page", 1]')
        ),
    ],
)
def test_a_problem_in_one_line(text: str, expected: list[str]) -> None:
    assert problems(text) == [f"goalline.toml: {line}" for line in expected]


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        (
            'timeout = "10 seconds"',
            'must be a duration such as "30s", "5m", "2h", not \'10 seconds\'',
        ),
        ('timeout = "1.5s"', 'must be a duration such as "30s", "5m", "2h", not \'1.5s\''),
        ('timeout = "-1s"', 'must be a duration such as "30s", "5m", "2h", not \'-1s\''),
        ('timeout = "5"', 'must be a duration such as "30s", "5m", "2h", not \'5\''),
        ('timeout = "1w"', 'must be a duration such as "30s", "5m", "2h", not \'1w\''),
        ('timeout = "0s"', "must be longer than 0s"),
        ('timeout = "366d"', "must be at most 365 days, not '366d'"),
        ('timeout = "1000000000000d"', "must be at most 365 days, not '1000000000000d'"),
    ],
)
def test_a_duration_that_cannot_be_used(setting: str, problem: str) -> None:
    text = f'[notify.webhook]\nurl = "http://h/x"\n{setting}'
    assert problems(text) == [f"goalline.toml: [notify.webhook] timeout {problem}"]


def test_a_retry_may_be_due_at_once() -> None:
    config = parse_config('[notify]\nretry_after = "0s"')
    assert config.notify.retry_after == timedelta(0)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        (" 5 m ", timedelta(minutes=5)),
        ("365d", timedelta(days=365)),
    ],
)
def test_durations(text: str, value: timedelta) -> None:
    assert parse_duration(text) == value


def test_every_problem_at_once() -> None:
    text = """\
dbb = "x.db"
[notify]
max_attempts = 0
retry_after = "soon"
[notify.email]
hots = "127.0.0.1"
port = "25"
from = "goalline@example.com"
security = "ssl"
timeout = "10 seconds"
"""
    assert problems(text, "ops/goalline.toml") == [
        "ops/goalline.toml: unknown key 'dbb' (did you mean 'db'?)",
        "ops/goalline.toml: [notify.email] unknown key 'hots' (did you mean 'host'?)",
        "ops/goalline.toml: [notify.email] port must be a whole number, not '25'",
        "ops/goalline.toml: [notify.email] host is required",
        "ops/goalline.toml: [notify.email] security must be one of none, starttls, tls, not 'ssl'",
        'ops/goalline.toml: [notify.email] timeout must be a duration such as "30s", "5m",'
        " \"2h\", not '10 seconds'",
        "ops/goalline.toml: [notify] max_attempts must be 1 or more, not 0",
        'ops/goalline.toml: [notify] retry_after must be a duration such as "30s", "5m", "2h",'
        " not 'soon'",
    ]


def test_text_that_is_not_toml() -> None:
    assert problems('[notify.email\nhost = "x"') == [
        "goalline.toml: not valid TOML: Expected ']' at the end of a table declaration"
        " (at line 1, column 14)"
    ]
    assert problems("db = support.db") == [
        "goalline.toml: not valid TOML: Invalid value (at line 1, column 6)"
    ]


def test_load_config_reads_the_file_here_or_the_one_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == Config()  # no file: every default, no file name
    Path("goalline.toml").write_text('db = "here.db"\n', encoding="utf-8")
    assert load_config(None) == Config(file="goalline.toml", db="here.db")
    (tmp_path / "other.toml").write_text('db = "there.db"\n', encoding="utf-8")
    assert load_config(str(tmp_path / "other.toml")).db == "there.db"

    with pytest.raises(
        ConfigError, match=r"^cannot read missing\.toml: No such file or directory$"
    ):
        load_config("missing.toml")
    Path("latin.toml").write_bytes('db = "café.db"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"^latin\.toml: not UTF-8 text$"):
        load_config("latin.toml")
    Path("bad.toml").write_text("[notify]\nmax_attempts = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^bad\.toml: \[notify\] max_attempts must be 1 or more"):
        load_config("bad.toml")


# ---------------------------------------------------------------- secrets never in clear text

LOGIN = 'user_env = "U"\npassword_env = "P"\n'


def email(host: str, extra: str = "") -> str:
    return f'[notify.email]\nhost = "{host}"\nport = 587\nfrom = "a@b"\n{LOGIN}{extra}'


def test_a_login_without_a_security_setting_upgrades_the_connection() -> None:
    config = parse_config(email("mail.example.com"))
    assert config.notify.email is not None
    assert config.notify.email.security == "starttls"
    assert config.warnings == ()
    plain = parse_config('[notify.email]\nhost = "h"\nport = 25\nfrom = "a@b"\n')
    assert plain.notify.email is not None and plain.notify.email.security == "none"


def test_a_password_in_clear_text_to_another_machine_is_refused() -> None:
    assert problems(email("mail.example.com", 'security = "none"\n')) == [
        "goalline.toml: [notify.email] user_env and password_env would send the password to"
        ' mail.example.com in clear text: use security = "starttls" or "tls"'
    ]
    assert problems(email("10.0.0.25", 'security = "none"\n'))[0].startswith(
        "goalline.toml: [notify.email] user_env and password_env would send the password to"
        " 10.0.0.25 in clear text"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.1.1"])
def test_a_password_in_clear_text_to_this_machine_is_a_warning(host: str) -> None:
    config = parse_config(email(host, 'security = "none"\n'))
    assert config.warnings == (
        f"goalline.toml: [notify.email] user_env and password_env would send the password to"
        f' {host} in clear text; use security = "starttls" or "tls" unless the server stays'
        " on this machine",
    )


def test_a_webhook_token_over_plain_http_to_another_machine_is_refused() -> None:
    table = '[notify.webhook]\nurl = "http://hooks.example.com/x"\ntoken_env = "T"\n'
    assert problems(table) == [
        "goalline.toml: [notify.webhook] token_env would send the token to hooks.example.com"
        " in clear text: use an https:// url"
    ]
    safe = parse_config(table.replace("http://", "https://"))
    assert safe.warnings == ()
