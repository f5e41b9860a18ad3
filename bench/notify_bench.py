"""How fast `goalline notify` delivers a large outbox by e-mail.

Run from the repository root: `.venv/bin/python bench/notify_bench.py`. It prints figures
beside their targets; it is not a test, and a missed target does not change its exit code.

1. A store whose outbox holds 10,000 pending events, one e-mail recipient each, their
   payloads made by `dsl.notify.notices.payload` from the sample year's events (`goalline demo`),
   each under a key of its own; put there with `Store.enqueue` (timed too).
2. A real SMTP server on loopback (aiosmtpd) in a child process of its own, as a mail
   server would be; it counts the messages it accepts.
3. `dsl.notify.delivery.deliver` over the outbox, as `goalline notify` runs it after evaluating:
   wall time, messages per second, and how many write transactions the store saw
   (`Store.record_attempts` calls: the store is updated in batches, not per message).
   Then every delivery must be `sent` and the server must have received 10,000 messages.

Target: 10,000 messages in under 30 s, in batches. About 20 s on a 2-core machine.
"""

from __future__ import annotations

import multiprocessing
import socket
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dsl.api import run  # noqa: E402
from dsl.cli.demo import AS_OF, PLAN_NAME, STORE_NAME, write_demo  # noqa: E402
from dsl.language.cycles import parse_as_of  # noqa: E402
from dsl.notify.config import Email, Notify  # noqa: E402
from dsl.notify.delivery import deliver, delivering, now_text  # noqa: E402
from dsl.notify.notices import payload  # noqa: E402
from dsl.store.database import Store  # noqa: E402
from dsl.store.outbox import Queued  # noqa: E402

EVENTS = 10_000
MAX_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(port: int, ready: Any, count: Any, stop: Any) -> None:
    """The SMTP server's process: accept everything, count the messages."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def payloads(folder: Path) -> list[dict[str, Any]]:
    """The sample year's events as `notify` would queue them."""
    from zoneinfo import ZoneInfo

    folder.mkdir()
    write_demo(folder / PLAN_NAME, folder / STORE_NAME)
    with Store.open(str(folder / STORE_NAME)) as store:
        outcome = run(str(folder / PLAN_NAME), store, parse_as_of(AS_OF, ZoneInfo("Asia/Shanghai")))
    assert outcome.report is not None
    return [payload(outcome.report, event) for event in outcome.report.escalations]


def main() -> None:
    started = time.monotonic()
    print(f"goalline notify benchmark (Python {sys.version.split()[0]}, 2 CPUs assumed)\n")
    with tempfile.TemporaryDirectory(prefix="goalline-notify-bench-") as work:
        folder = Path(work)
        samples = payloads(folder / "demo")
        db = str(folder / "outbox.db")
        items = []
        for n in range(EVENTS):
            data = dict(samples[n % len(samples)])
            data["key"] = f"{data['key']}#{n}"
            items.append(Queued(data["key"], data, (("email", f"person{n}@example.com"),)))
        with Store.open(db, create=True) as store:
            took = time.perf_counter()
            added = store.outbox.enqueue(items, now_text())
            took = time.perf_counter() - took
        print(f"outbox: {added:,} events enqueued in {took:.2f} s (one transaction)")

        port = free_port()
        ready, stop = multiprocessing.Event(), multiprocessing.Event()
        count = multiprocessing.Value("i", 0)
        server = multiprocessing.Process(target=serve, args=(port, ready, count, stop))
        server.start()
        if not ready.wait(10):
            sys.exit("the SMTP server did not start")
        config = Notify(email=Email(host="127.0.0.1", port=port, sender="goalline@example.com"))
        try:
            with Store.open(db) as store:
                batches = []
                real = store.outbox.record_attempts

                def counted(attempts: Any, *args: Any) -> None:
                    batches.append(len(attempts))
                    real(attempts, *args)

                store.outbox.record_attempts = counted  # type: ignore[method-assign]
                took = time.perf_counter()
                with delivering(store) as journal:
                    tally = deliver(store, replace(config), journal)
                took = time.perf_counter() - took
                states = {d.status for d in store.outbox.deliveries()}
        finally:
            stop.set()
            server.join(10)
        received = count.value
        rate = tally.total_sent / took if took else 0.0
        print(
            f"delivery: {tally.total_sent:,} e-mails in {took:.2f} s ({rate:,.0f} a second),"
            f" {len(tally.failed)} failed; the server received {received:,}"
        )
        print(
            f"store: {len(batches)} write transactions for the deliveries"
            f" (largest batch {max(batches, default=0)}), states afterwards: {sorted(states)}"
        )
        complete = received == EVENTS and states == {"sent"} and tally.total_sent == EVENTS
        verdict = "ok" if took < MAX_SECONDS and complete and len(batches) < EVENTS else "MISSED"
        print(f"\ntarget: {EVENTS:,} e-mails in < {MAX_SECONDS:.0f} s, in batches   {verdict}")
        if not complete:
            print("  (not every message arrived or was recorded: the figure means nothing)")
    print(f"\n(whole benchmark {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
