"""`goalline.toml`: defaults for the commands run in a folder, and where escalations go.

`parse_config` turns the text into a frozen `Config` or raises `ConfigError` with every
problem, one line each, naming the file and the table; `load_config` reads the file (the
one named, else `goalline.toml` in the current folder, else none). Secrets are never in
the file: it names the environment variables that hold them.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import GoallineError

CONFIG_NAME = "goalline.toml"
SECURITY = ("none", "starttls", "tls")


class ConfigError(GoallineError):
    """The configuration cannot be used; the message has one line per problem."""


@dataclass(frozen=True, slots=True)
class Email:
    host: str
    port: int
    sender: str
    security: str = "none"
    user_env: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    timeout: timedelta = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    timeout: timedelta = timedelta(seconds=5)
    token_env: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    run: tuple[str, ...]
    timeout: timedelta = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Notify:
    email: Email | None = None
    webhook: Webhook | None = None
    command: Command | None = None
    max_attempts: int = 5
    retry_after: timedelta = timedelta(minutes=1)

    @property
    def channels(self) -> tuple[str, ...]:
        """The configured channels, in the order deliveries are made."""
        found = {"email": self.email, "webhook": self.webhook, "command": self.command}
        return tuple(name for name, channel in found.items() if channel is not None)


@dataclass(frozen=True, slots=True)
class Config:
    file: str | None = None  # where it was read from; None: no file, every default
    db: str | None = None
    timezone: str | None = None
    notify: Notify = field(default_factory=Notify)
    warnings: tuple[str, ...] = ()  # settings that work and should not: told, not refused


def load_config(path: str | None) -> Config:
    """The configuration at `path`, or in `goalline.toml` here if there is one."""
    if path is None:
        if not Path(CONFIG_NAME).is_file():
            return Config()
        path = CONFIG_NAME
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(text, path)


def parse_config(text: str, name: str = CONFIG_NAME) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML: {exc}") from None
    reader = _Reader(name)
    top = reader.table(data, "", {"db": str, "timezone": str, "notify": dict})
    notify = reader.table(
        top.get("notify", {}),
        "notify",
        {"email": dict, "webhook": dict, "command": dict, "max_attempts": int, "retry_after": str},
    )
    config = Config(
        file=name,
        db=top.get("db"),
        timezone=top.get("timezone"),
        notify=Notify(
            email=_email(reader, notify["email"]) if "email" in notify else None,
            webhook=_webhook(reader, notify["webhook"]) if "webhook" in notify else None,
            command=_command(reader, notify["command"]) if "command" in notify else None,
            max_attempts=reader.positive(notify, "notify", "max_attempts", 5),
            retry_after=reader.duration(
                notify, "notify", "retry_after", timedelta(minutes=1), zero=True
            ),
        ),
    )
    if reader.problems:
        raise ConfigError("\n".join(reader.problems))
    return replace(config, warnings=tuple(reader.warnings))


def _email(reader: _Reader, data: dict[str, Any]) -> Email:
    where = "notify.email"
    keys = {
        "host": str,
        "port": int,
        "from": str,
        "security": str,
        "user_env": str,
        "password_env": str,
        "ca_file": str,
        "timeout": str,
    }
    table = reader.table(data, where, keys, required=("host", "port", "from"))
    logs_in = "user_env" in table and "password_env" in table
    security = table.get("security", "starttls" if logs_in else "none")
    if logs_in and security == "none":
        reader.in_clear(where, table.get("host", ""), "user_env and password_env would send the"
                        ' password', 'use security = "starttls" or "tls"')  # fmt: skip
    if security not in SECURITY:
        reader.problem(where, f"security must be one of {', '.join(SECURITY)}, not '{security}'")
    if not 0 < table.get("port", 25) < 65536:
        reader.problem(where, f"port must be between 1 and 65535, not {table['port']}")
    if ("user_env" in table) != ("password_env" in table):
        reader.problem(where, "user_env and password_env go together: give both or neither")
    return Email(
        host=table.get("host", ""),
        port=table.get("port", 25),
        sender=table.get("from", ""),
        security=security,
        user_env=table.get("user_env"),
        password_env=table.get("password_env"),
        ca_file=table.get("ca_file"),
        timeout=reader.duration(table, where, "timeout", timedelta(seconds=10)),
    )


def _webhook(reader: _Reader, data: dict[str, Any]) -> Webhook:
    where = "notify.webhook"
    table = reader.table(data, where, {"url": str, "timeout": str, "token_env": str}, ("url",))
    url = table.get("url", "")
    if url and not re.match(r"https?://", url):
        reader.problem(where, f"url must start with http:// or https://, not '{url}'")
    elif "token_env" in table and url.startswith("http://"):
        host = urlsplit(url).hostname or ""
        reader.in_clear(where, host, "token_env would send the token", "use an https:// url")
    return Webhook(
        url=url,
        timeout=reader.duration(table, where, "timeout", timedelta(seconds=5)),
        token_env=table.get("token_env"),
    )


def _command(reader: _Reader, data: dict[str, Any]) -> Command:
    where = "notify.command"
    table = reader.table(data, where, {"run": list, "timeout": str}, ("run",))
    run = table.get("run", [])
    if "run" in table and (not run or not all(isinstance(w, str) and w for w in run)):
        reader.problem(where, 'run must be a program and its arguments: ["program", "--flag"]')
    return Command(
        run=tuple(str(w) for w in run),
        timeout=reader.duration(table, where, "timeout", timedelta(seconds=30)),
    )


def _loopback(host: str) -> bool:
    """A name or address of this machine, judged without asking DNS."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


LONGEST = timedelta(days=365)  # durations beyond this are mistakes, and overflow datetimes
_DURATION = re.compile(r"(\d+)\s*(s|m|h|d)")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_TYPE_NAMES = {str: "a string", int: "a whole number", list: "a list", dict: "a table"}


class _Reader:
    """Reads tables, collecting every problem instead of stopping at the first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.name}: {f'[{where}] ' if where else ''}{message}")

    def in_clear(self, where: str, host: str, what: str, instead: str) -> None:
        """A secret that would cross the network unencrypted: refused, unless the server is
        on this machine (a local relay), where it is only said."""
        if _loopback(host):
            self.warnings.append(
                f"{self.name}: [{where}] {what} to {host} in clear text; {instead}"
                " unless the server stays on this machine"
            )
        else:
            self.problem(where, f"{what} to {host} in clear text: {instead}")

    def table(
        self,
        data: dict[str, Any],
        where: str,
        keys: dict[str, type],
        required: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for key, value in data.items():
            expected = keys.get(key)
            if expected is None:
                near = difflib.get_close_matches(key, list(keys), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                self.problem(where, f"unknown key '{key}'{hint}")
            elif not isinstance(value, expected) or isinstance(value, bool):
                self.problem(where, f"{key} must be {_TYPE_NAMES[expected]}, not {value!r}")
            else:
                kept[key] = value
        for key in required:
            if key not in data:
                self.problem(where, f"{key} is required")
        return kept

    def positive(self, table: dict[str, Any], where: str, key: str, default: int) -> int:
        value = table.get(key, default)
        if value < 1:
            self.problem(where, f"{key} must be 1 or more, not {value}")
            return default
        return int(value)

    def duration(
        self,
        table: dict[str, Any],
        where: str,
        key: str,
        default: timedelta,
        *,
        zero: bool = False,
    ) -> timedelta:
        text = table.get(key)
        if text is None:
            return default
        try:
            return parse_duration(text, zero=zero)
        except ConfigError as problem:
            self.problem(where, f"{key} {problem}")
            return default


def parse_duration(text: str, *, zero: bool = False) -> timedelta:
    """A duration such as "30s", "5m", "2h" or "1d". ConfigError (its message lacks the
    name of the setting) when it is not one, is longer than a year, or is 0 and `zero` is
    not allowed: a timeout of 0 would make the sockets non-blocking, failing every try."""
    found = _DURATION.fullmatch(text.strip())
    if found is None:
        raise ConfigError(f'must be a duration such as "30s", "5m", "2h", not \'{text}\'')
    amount, unit = int(found[1]), timedelta(**{_UNITS[found[2]]: 1})
    if amount > LONGEST / unit:  # compared before multiplying: 10**12 days overflow
        raise ConfigError(f"must be at most {LONGEST.days} days, not '{text}'")
    if amount == 0 and not zero:
        raise ConfigError("must be longer than 0s")
    return amount * unit


EXAMPLE = """\
# goalline.toml: defaults for goalline commands run in this folder, and where the
# escalations of `goalline notify` and `goalline watch` are delivered.
# Secrets never go in this file: it names the environment variables that hold them.

# db = "support.db"            # the store, when a command is given no --db

[notify]
max_attempts = 5               # a delivery that failed this many times is given up
retry_after = "1m"             # wait before retrying a failed delivery; doubled each time

# One e-mail per escalation event and person to notify.
[notify.email]
host = "127.0.0.1"
port = 8025
from = "goalline@example.com"
security = "none"              # none | starttls | tls (starttls when logging in)
# user_env = "GOALLINE_SMTP_USER"          # names of environment variables, both or neither
# password_env = "GOALLINE_SMTP_PASSWORD"
# ca_file = "/etc/ssl/certs/company-ca.pem"  # trust this authority (a company mail server)
# timeout = "10s"

# One HTTP POST of the event as JSON per escalation event.
# [notify.webhook]
# url = "http://127.0.0.1:9000/goalline"
# timeout = "5s"
# token_env = "GOALLINE_WEBHOOK_TOKEN"     # sent as "Authorization: Bearer <token>"

# One run of a program per escalation event, the event as JSON on its standard input.
# [notify.command]
# run = ["/usr/local/bin/page-someone", "--json"]
# timeout = "30s"
"""
