"""Sample helpdesk data for `sample-plans/customer-support.goal`: one year (2026-01-01 ..
2026-12-31, Asia/Shanghai) of tickets and answered post-contact surveys, with the columns
the plan's header comment lists, and the quarterly net promoter score.

`tickets()` and `surveys()` stream their rows in time order (a day at a time is held in
memory, never the year); `write_csv()` writes both tables in one pass; `nps_values()` gives
the values to `goalline record nps`, `callback_values()` those to `goalline record
callback_rate`, `milestone_completions()` the days to `goalline done`.
Everything is a function of the seed and the scale: one `random.Random` per call, no clock,
no global state, no I/O but `write_csv()`.

The data is a snapshot taken at the end of the period (2027-01-01T00:00+08:00): a ticket
whose resolution would come later is still "open" or "pending", with an empty
`resolved_at`. A resolved ticket is "closed" once the customer confirmed the fix, else
"resolved". About 60,000 tickets at scale 1.0 (busier on Mondays, quieter at weekends,
peaks at 10-11h, 14-16h and 20-21h, a thin night shift), about a third of them with a
survey. First responses are lognormal (median about 5 min, by channel and priority);
resolution takes hours, and work that would end in the night ends the next morning.
The chance of a ticket staying unresolved, being reopened, or leaving a happy customer
is drawn by systematic sampling (see `_Draw`), so the monthly statuses that `story` tells come
out the same for other seeds too (checked for seeds 1 to 12); weekly and daily values near a line
may fall either side of it.
"""

from __future__ import annotations

import csv
import heapq
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from . import story

__all__ = [
    "SURVEY_COLUMNS",
    "TICKET_COLUMNS",
    "callback_values",
    "milestone_completions",
    "nps_values",
    "surveys",
    "tickets",
    "write_csv",
]

TICKET_COLUMNS = (
    "id",
    "created_at",
    "channel",
    "priority",
    "first_response_min",
    "status",
    "resolved_at",
    "reopened",
)
SURVEY_COLUMNS = ("id", "answered_at", "ticket_id", "channel", "score")

TICKETS_PER_YEAR = 60_000  # expected number at scale 1.0

_END = (
    story.DAYS * 86_400
)  # the export: 2027-01-01T00:00:00+08:00, in seconds from the period start
_OFFSET = "+08:00"  # Asia/Shanghai has kept UTC+8 without daylight saving since 1991
# Local dates as text; nothing is stamped at or after the export.
_DATES = tuple((story.START + timedelta(days=n)).isoformat() for n in range(story.DAYS))

Row = dict[str, object]


def tickets(seed: int = 2026, scale: float = 1.0) -> Iterator[Row]:
    """Tickets in order of `created_at`, lazily, about 60,000 × `scale` of them."""
    return (row for day_tickets, _ in _days(seed, scale) for row in day_tickets)


def surveys(seed: int = 2026, scale: float = 1.0) -> Iterator[Row]:
    """Answered surveys in order of `answered_at`, lazily; about a third of the tickets."""
    return (row for _, day_surveys in _days(seed, scale) for row in day_surveys)


def write_csv(folder: Path, seed: int = 2026, scale: float = 1.0) -> tuple[Path, Path]:
    """Write `tickets.csv` and `surveys.csv` (UTF-8, header row) into `folder`, in one pass."""
    folder.mkdir(parents=True, exist_ok=True)
    ticket_path, survey_path = folder / "tickets.csv", folder / "surveys.csv"
    with (
        ticket_path.open("w", encoding="utf-8", newline="") as ticket_file,
        survey_path.open("w", encoding="utf-8", newline="") as survey_file,
    ):
        ticket_writer = csv.DictWriter(ticket_file, fieldnames=TICKET_COLUMNS)
        survey_writer = csv.DictWriter(survey_file, fieldnames=SURVEY_COLUMNS)
        ticket_writer.writeheader()
        survey_writer.writeheader()
        for day_tickets, day_surveys in _days(seed, scale):
            ticket_writer.writerows(day_tickets)
            survey_writer.writerows(day_surveys)
    return ticket_path, survey_path


def nps_values(seed: int = 2026) -> list[tuple[str, float]]:
    """The quarterly net promoter score as the marketing team records it, near each quarter's
    end: breached in Q1 (still near the baseline of 32), warning in Q2, met in Q3, critical
    in Q4 (the survey ran just after Double 11)."""
    rng = random.Random(f"nps-{seed}")
    quarters = (
        (date(2026, 3, 16), 36.5),
        (date(2026, 6, 15), 43.2),
        (date(2026, 9, 14), 47.8),
        (date(2026, 12, 14), 24.0),
    )
    values = []
    for week_start, value in quarters:
        day = (week_start - story.START).days + rng.randrange(5)
        second = day * 86_400 + rng.randrange(10 * 3600, 17 * 3600)
        values.append((_stamp(second), round(value + rng.uniform(-0.8, 0.8), 1)))
    return values


# The quality team's call-back log, month by month: the skeleton crew of the New Year
# holiday, the 618 and Double 11 peaks show; December's figure comes at the January review.
_CALLBACKS = (97.8, 93.6, 96.4, 98.1, 97.6, 95.9, 98.0, 97.9, 97.3, 96.6, 84.2)


def callback_values() -> list[tuple[str, float]]:
    """The share of unhappy customers called back within two days, as the quality team
    records it on the last day of each month at 17:30: breached in February and November,
    in warning in March, June and October, met otherwise, and not yet recorded for December
    (the team writes it up at the January review), so the year ends without data."""
    values = []
    for month, value in enumerate(_CALLBACKS, start=1):
        last_day = date(2026, month + 1, 1) - timedelta(days=1)
        second = (last_day - story.START).days * 86_400 + 17 * 3600 + 30 * 60
        values.append((_stamp(second), value))
    return values


def milestone_completions() -> list[tuple[str, date]]:
    """When the plan's milestones were completed, for `goalline done`: the knowledge base
    late, inside its two-week buffer; the chatbot on time, live from 1 June; WeChat service
    on time, open to customers from 14 September."""
    return [
        ("knowledge_base", date(2026, 4, 10)),
        ("chatbot", date(2026, 5, 28)),
        ("wechat_service", date(2026, 9, 14)),
    ]


# ---------------------------------------------------------------- the generator


def _days(seed: int, scale: float) -> Iterator[tuple[list[Row], list[Row]]]:
    """Day by day: that day's tickets, and the surveys answered that day. Raises ValueError
    at once for a bad scale; the days themselves are made as they are asked for."""
    if not (scale > 0 and math.isfinite(scale)):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    return _generate(seed, scale)


def _generate(seed: int, scale: float) -> Iterator[tuple[list[Row], list[Row]]]:
    """Only the surveys not yet answered are kept between days, so memory does not grow
    with the year."""
    rng = random.Random(seed)
    draws = _Draws(_Draw(rng), _Draw(rng), _Draw(rng))
    conditions = [story.conditions(story.START + timedelta(days=n)) for n in range(story.DAYS)]
    weights = [
        c.volume * story.WEEKDAY[(story.START + timedelta(days=n)).weekday()]
        for n, c in enumerate(conditions)
    ]
    per_weight = TICKETS_PER_YEAR * scale / sum(weights)
    pending: list[tuple[int, int, str, str, int]] = []  # surveys waiting for their time
    ticket_number = survey_number = 0
    for day in range(story.DAYS):
        day_tickets: list[Row] = []
        arrivals = _poisson(rng, weights[day] * per_weight)
        for second in sorted(_arrival_second(rng) for _ in range(arrivals)):
            ticket_number += 1
            ticket, survey = _ticket(rng, draws, day, day * 86_400 + second, conditions[day])
            ticket["id"] = ticket_id = f"T-{ticket_number:06d}"
            day_tickets.append(ticket)
            if survey is not None:
                answered, channel, score = survey
                heapq.heappush(pending, (answered, ticket_number, ticket_id, channel, score))
        day_surveys: list[Row] = []
        day_end = (day + 1) * 86_400  # every later ticket, and so its survey, comes after
        while pending and pending[0][0] < day_end:
            answered, _, ticket_id, channel, score = heapq.heappop(pending)
            survey_number += 1
            day_surveys.append(
                {
                    "id": f"S-{survey_number:06d}",
                    "answered_at": _stamp(answered),
                    "ticket_id": ticket_id,
                    "channel": channel,
                    "score": score,
                }
            )
        yield day_tickets, day_surveys


class _Draw:
    """Yes/no draws by systematic sampling: each call adds its chance to a running sum and
    says yes when the sum passes a whole number. Every draw has exactly its chance of yes,
    but the share of yeses over a run follows the chances closely, so a month's rates tell
    the story whatever the seed."""

    def __init__(self, rng: random.Random) -> None:
        self._sum = rng.random()

    def __call__(self, chance: float) -> bool:
        before = self._sum
        self._sum += min(1.0, max(0.0, chance))
        return math.floor(self._sum) > math.floor(before)


@dataclass(slots=True)
class _Draws:
    unresolved: _Draw
    reopened: _Draw
    happy: _Draw


def _ticket(
    rng: random.Random, draws: _Draws, day: int, created: int, now: story.Conditions
) -> tuple[Row, tuple[int, str, int] | None]:
    """One ticket (without its id) and its survey, if the customer answers one."""
    channel = rng.choices(story.CHANNELS, cum_weights=story.channel_cum(day))[0]
    priority = rng.choices(story.PRIORITIES, cum_weights=story.PRIORITY_CUM[channel])[0]
    hour = created % 86_400 // 3600
    median = story.RESPONSE_MEDIAN[channel] * story.PRIORITY_SPEED[priority] * now.response
    if channel == "wechat" and day < story.WECHAT + 28:
        median *= 1.5  # the first four weeks on a new channel
    if hour < 8:
        median *= 2.5  # night shift
    elif hour >= 22:
        median *= 1.5
    if (story.START + timedelta(days=day)).weekday() >= 5:
        median *= 1.1
    first_response = max(0.1, round(median * math.exp(rng.gauss(0.0, story.RESPONSE_SIGMA)), 1))
    answered = created + round(first_response * 60)

    resolved: int | None = None
    reopened = confirmed = False
    unresolved = now.unresolved * (0.6 if priority == "urgent" else 1.0)
    if not draws.unresolved(unresolved):
        work = story.RESOLUTION_MEDIAN_H * story.PRIORITY_EFFORT[priority] * now.resolution
        resolved = _working_time(
            rng, answered + round(3600 * work * math.exp(rng.gauss(0.0, story.RESOLUTION_SIGMA)))
        )
        reopened = draws.reopened(now.reopen)
        if reopened:  # the customer comes back; the second fix takes longer
            resolved = _working_time(rng, resolved + round(3600 * rng.lognormvariate(3.0, 0.8)))
        confirmed = rng.random() < 0.55
    if resolved is not None and resolved >= _END:  # not resolved yet at the export
        resolved = None
    if resolved is None:
        status = "open" if reopened or rng.random() < 0.45 else "pending"
    else:
        status = "closed" if confirmed else "resolved"
    ticket: Row = {
        "id": "",
        "created_at": _stamp(created),
        "channel": channel,
        "priority": priority,
        "first_response_min": first_response,
        "status": status,
        "resolved_at": "" if resolved is None else _stamp(resolved),
        "reopened": int(reopened),
    }

    chance = story.SURVEY_UNRESOLVED if resolved is None else story.SURVEY_RESOLVED
    if rng.random() >= chance:
        return ticket, None
    sent = answered if resolved is None else resolved
    survey_time = sent + round(3600 * min(168.0, rng.lognormvariate(0.7, 1.2)))
    if survey_time >= _END:
        return ticket, None
    happy = now.satisfied + story.SATISFACTION_BY_CHANNEL[channel]
    happy -= 0.06 * (first_response > 30) + 0.06 * (first_response > 60)
    if resolved is None:
        happy -= 0.45
    else:
        happy -= 0.15 * reopened + 0.06 * (resolved - created > 24 * 3600)
    if draws.happy(happy):
        score = 5 if rng.random() < 0.62 else 4
    else:
        score = rng.choices((1, 2, 3), cum_weights=(0.25, 0.5, 1.0))[0]
    feedback, cum = story.FEEDBACK[channel]
    return ticket, (survey_time, rng.choices(feedback, cum_weights=cum)[0], score)


def _arrival_second(rng: random.Random) -> int:
    hour = rng.choices(range(24), cum_weights=story.HOUR_CUM)[0]
    return hour * 3600 + rng.randrange(3600)


def _working_time(rng: random.Random, second: int) -> int:
    """Work that would finish in the night (22:00 to 8:00) is finished the next morning."""
    day, rest = divmod(second, 86_400)
    if rest >= 22 * 3600:
        return (day + 1) * 86_400 + 8 * 3600 + rng.randrange(5400)
    if rest < 8 * 3600:
        return day * 86_400 + 8 * 3600 + rng.randrange(5400)
    return second


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: exact for small means, the normal approximation for large ones."""
    if mean >= 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _stamp(second: int) -> str:
    """ISO 8601 local time with the offset, from seconds since 2026-01-01T00:00+08:00."""
    day, rest = divmod(second, 86_400)
    return f"{_DATES[day]}T{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}{_OFFSET}"
