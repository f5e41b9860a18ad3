"""`goalline notify` by webhook, against a real HTTP server on loopback: each event as
JSON, failures tried again by the next run, redirects not counted as delivered, a server
that does not answer in time or is down, and a token that is not set."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ..servers import free_port, webhook_server
from .conftest import JAN, JAN_PAYLOAD, MAR, configure, errors, notify, outbox, states, toml_table


def test_the_webhook_receives_each_event_as_json(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_HOOK_TOKEN", "t0ken")
    with webhook_server() as hook:
        configure(toml_table("notify.webhook", url=hook.url, token_env="DESK_HOOK_TOKEN"))
        result = notify()
    assert (result.exit_code, result.stderr) == (  # a token over http: only on this machine
        0,
        "goalline: warning: goalline.toml: [notify.webhook] token_env would send the token"
        " to 127.0.0.1 in clear text; use an https:// url unless the server stays on this"
        " machine\n",
    )
    assert result.stdout == "2 new events in the outbox; 2 deliveries sent (2 by webhook)\n"
    assert [r.path for r in hook.requests] == ["/hook", "/hook"]
    first, second = (r.json for r in hook.requests)
    assert first == JAN_PAYLOAD
    assert second["key"] == MAR
    assert (second["cycle"], second["fired_on"]) == (
        {"start": "2026-03-01", "end": "2026-03-31"},
        "2026-04-01",
    )
    assert (second["about"]["value"], second["about"]["value_text"]) == (70.5, "70.5%")
    headers = hook.requests[0].headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Authorization"] == "Bearer t0ken"
    assert headers["Idempotency-Key"] == JAN.encode().hex()
    assert states(outbox()) == [(JAN, hook.url, "sent", 1), (MAR, hook.url, "sent", 1)]


def test_a_webhook_that_fails_is_tried_again_by_the_next_run(desk: Path) -> None:
    with webhook_server(statuses=[500]) as hook:
        configure(toml_table("notify.webhook", url=hook.url))
        first = notify("2026-03-01")
        assert first.exit_code == 1
        assert first.stderr == (
            f"goalline: warning: webhook to {hook.url} for '{JAN}':"
            " the webhook answered 500 Internal Server Error\n"
        )
        assert first.stdout == (
            "1 new event in the outbox; 0 deliveries sent, 1 failed (see `goalline outbox`)\n"
        )
        assert states(outbox()) == [(JAN, hook.url, "pending", 1)]
        assert errors(outbox()) == {"the webhook answered 500 Internal Server Error"}

        second = notify("2026-03-01")
        assert (second.exit_code, second.stderr) == (0, "")
        assert second.stdout == "0 new events in the outbox; 1 delivery sent (1 by webhook)\n"
    assert [r.json["key"] for r in hook.requests] == [JAN, JAN]
    assert states(outbox()) == [(JAN, hook.url, "sent", 2)]


def test_a_webhook_that_redirects_is_not_counted_as_delivered(desk: Path) -> None:
    # Following a 301 to a POST means a GET without the event: nothing would arrive.
    with webhook_server(statuses=[301]) as hook:
        configure(toml_table("notify.webhook", url=hook.url))
        result = notify("2026-03-01")
    assert result.exit_code == 1
    assert [r.path for r in hook.requests] == ["/hook"]
    reason = (
        f"the webhook answered 301 Moved Permanently (to {hook.url}/moved:"
        " put that URL in goalline.toml)"
    )
    assert errors(outbox()) == {reason}
    assert states(outbox()) == [(JAN, hook.url, "pending", 1)]


def test_a_webhook_that_does_not_answer_in_time(desk: Path) -> None:
    with webhook_server(delay=5.0) as hook:
        configure(toml_table("notify.webhook", url=hook.url, timeout="1s"))
        started = time.monotonic()
        result = notify("2026-03-01")
        assert time.monotonic() - started < 4
    assert result.exit_code == 1
    reason = f"cannot reach the webhook {hook.url}: timed out"
    assert result.stderr == f"goalline: warning: webhook to {hook.url} for '{JAN}': {reason}\n"
    assert states(outbox()) == [(JAN, hook.url, "pending", 1)]
    assert errors(outbox()) == {reason}


def test_a_webhook_that_is_down_and_a_token_that_is_not_set(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    configure(toml_table("notify.webhook", url=url))
    assert notify("2026-03-01").exit_code == 1
    assert errors(outbox()) == {f"cannot reach the webhook {url}: Connection refused"}

    monkeypatch.delenv("DESK_HOOK_TOKEN", raising=False)
    with webhook_server(port=int(url.split(":")[2].split("/")[0])) as hook:
        configure(toml_table("notify.webhook", url=url, token_env="DESK_HOOK_TOKEN"))
        assert notify("2026-03-01").exit_code == 1
        assert hook.requests == []
    assert errors(outbox()) == {
        "the environment variable DESK_HOOK_TOKEN ([notify.webhook] in goalline.toml) is not set"
    }
    assert states(outbox()) == [(JAN, url, "pending", 2)]
