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
is drawn by systematic sampling (see `_Draw`), so the monthly statuses below come out the
same for other seeds too (checked for seeds 1 to 12); weekly and daily values near a line
may fall either side of it.

The story, month by month, as the plan's goals see it (values for seed 2026, scale 1.0):

- January: an ordinary month; every goal met (csat 95.0 %, resolution rate 93.1 %,
  reopened 3.0 %, p90 first response about 15-16 min on a 28-day window).
- February: Chinese New Year (17 February; holiday 15-23 February). The shipping cut-off
  rush before it, a skeleton crew during it, the backlog after it: the month is in
  *warning*, nothing is breached: csat 91.4 (warn < 92), resolution rate 88.0 (warn
  < 90), reopened 4.4 (warn > 4), quick_answer 19-22 min from the week of 9 February into
  March (warn > 18, target 30), fast_resolution 6-7 h in two weeks (warn > 6).
- March: agents who did not come back after the holiday are replaced by new hires;
  satisfaction stays in warning (91.5), so `warning 2 times in a row` fires for
  `satisfied`. Everything else is met again by the second half of the month.
- April, May: met (short holidays at Qingming and Labour Day are only quieter).
- June: 618. The chatbot went live on 1 June and meets its first shopping festival;
  customers who fight it before reaching an agent are unhappy: csat 87.7, *breached*
  (target 90), which runs `satisfaction_review`. Resolution rate 89.0 and the quick_answer
  weeks from 15 June are in warning.
- July: both targets tighten (first response 20 min, resolution rate 88 %). The chatbot
  keeps the simple questions away, so answers are faster (p90 about 14 min, met), but
  the tickets left are harder: resolution rate 89.0, warning. The first July week's
  28-day window still holds the 618 peak and stays in warning.
- August to October: the resolution rate stays at 86.5 % under the new target of 88:
  *breached three months in a row*, so the standard escalation fires `breached 1 time`
  (August), `breached 2 times in a row` (September) and `breached 3 times in a row`
  (October: the director, and `response_plan`). The weekend of 22-23 August the
  helpdesk moved to a new server and no tickets were recorded: those two days of the
  daily `urgent_first` goal are *no_data*. WeChat opens on 14 September (the milestone is
  due on 30 September); reopened tickets creep up to 4.5 %: warning in September, and
  *breached* in October, when the target of `solved_for_good` tightens from 5 % to 4 %.
  Double 11 pre-sales start on 20 October.
- November: Double 11 overwhelms the team (three times the usual volume on 10-13
  November, then the deliveries and returns). csat 76.1, *critical* (< 85); resolution
  rate 76.8, critical (< 80); reopened 7.5 %, breached (target 4); p90 first response
  above 90 min on the 28-day window, critical (> 60) from the week of 9 November, and
  breached or critical seven weeks in a row (2 November to 14 December); the median
  resolution time of the week of 9 November is above a day, critical (> 24 h), the
  weeks around it breached. The daily urgent_first goal is breached or critical on
  almost every day from 1 to 22 November (`breached 3 times in a row`, `critical`).
- December: recovery, with a small bump for Double 12: csat 90.8 and resolution rate 88.9
  back to *warning* (after November's critical, `warning 2 times in a row` fires again for
  `satisfied`); reopened 4.5 %, still above the new target: `solved_for_good` is breached
  for the third month in a row; quick_answer is breached while its window still holds
  November, then met from the week of 21 December.

The progress goal `resolved_volume` (20,000 resolved in the year) is met all year at
scale 1.0: about 52,000 tickets get resolved. `promoters` (NPS, recorded quarterly, see
`nps_values`) is breached in Q1, in warning in Q2, met in Q3 and critical in Q4.
`called_back` (recorded monthly, see `callback_values`) has no data for December, so the
year ends with every status on the scorecard. Of the milestones (see
`milestone_completions`), the knowledge base is late (done 10 April, inside its buffer),
the chatbot and WeChat service are done on time.
"""

from __future__ import annotations

import csv
import heapq
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

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

_START = date(2026, 1, 1)
_DAYS = 365
_END = _DAYS * 86_400  # the export: 2027-01-01T00:00:00+08:00, in seconds from _START
_OFFSET = "+08:00"  # Asia/Shanghai has kept UTC+8 without daylight saving since 1991
# Local dates as text; nothing is stamped at or after the export.
_DATES = tuple((_START + timedelta(days=n)).isoformat() for n in range(_DAYS))

Row = dict[str, object]


@dataclass(frozen=True, slots=True)
class _Conditions:
    """How the service runs on one day; the story is told by changing these."""

    volume: float = 1.0  # arrivals, relative to an ordinary day of the same weekday
    response: float = 1.0  # multiplies the median first response
    resolution: float = 1.0  # multiplies the median time to resolve
    unresolved: float = 0.07  # chance that a ticket is never resolved
    reopen: float = 0.03  # chance that a resolved ticket is reopened by the customer
    satisfied: float = 0.97  # base chance that a survey scores 4 or 5


_NORMAL = _Conditions()
_HOLIDAY = replace(_NORMAL, response=1.15)  # short public holidays: fewer agents on duty
_C = _Conditions  # the story below gives its fields in this order:
#          volume response resolution unresolved reopen satisfied

# First match wins; days in no period are _NORMAL.
_STORY: tuple[tuple[date, date, _Conditions], ...] = (
    # New Year's Day holiday: quiet.
    (date(2026, 1, 1), date(2026, 1, 3), replace(_HOLIDAY, volume=0.8)),
    # Chinese New Year (17 February; holiday 15-23 February): the shipping cut-off rush
    # before it, a skeleton crew during it, the backlog after it. Warning, no breach.
    (date(2026, 2, 1), date(2026, 2, 14), _C(1.35, 1.45, 1.2, 0.122, 0.044, 0.954)),
    (date(2026, 2, 15), date(2026, 2, 23), _C(0.7, 1.75, 1.3, 0.132, 0.046, 0.949)),
    (date(2026, 2, 24), date(2026, 3, 1), _C(1.2, 1.3, 1.15, 0.117, 0.042, 0.954)),
    # March: new hires replace the agents who did not come back after the holiday;
    # satisfaction stays in warning while the knowledge base (due 31 March) is written.
    (date(2026, 3, 2), date(2026, 3, 31), replace(_NORMAL, response=1.05, satisfied=0.936)),
    (date(2026, 4, 4), date(2026, 4, 6), replace(_HOLIDAY, volume=0.85)),  # Qingming
    (date(2026, 5, 1), date(2026, 5, 5), replace(_HOLIDAY, volume=0.8)),  # Labour Day
    # 618: the chatbot, live since 1 June, meets its first shopping festival; customers
    # who fight it before reaching an agent are unhappy. Satisfaction breached.
    (date(2026, 6, 1), date(2026, 6, 15), _C(1.2, 1.2, 1.1, 0.108, 0.034, 0.93)),
    (date(2026, 6, 16), date(2026, 6, 21), _C(1.9, 1.7, 1.4, 0.123, 0.04, 0.875)),
    (date(2026, 6, 22), date(2026, 6, 30), _C(1.3, 1.05, 1.1, 0.108, 0.034, 0.92)),
    # From July the chatbot keeps the simple questions away: fewer tickets, answered
    # faster, but the ones left are harder and fewer get resolved, as the targets tighten.
    (date(2026, 7, 1), date(2026, 7, 31), _C(0.9, 0.85, 1.05, 0.112, 0.03, 0.972)),
    # 22-23 August: the helpdesk moves to a new server; the contacts of that weekend are
    # handled by hand and never entered. No tickets, so no data.
    (date(2026, 8, 22), date(2026, 8, 23), _C(volume=0.0)),
    # August to October: resolution rate breached three months in a row; with WeChat
    # (from 14 September) reopened tickets creep up to warning.
    (date(2026, 8, 1), date(2026, 8, 31), _C(0.9, 0.95, 1.05, 0.138, 0.033, 0.978)),
    (date(2026, 9, 1), date(2026, 9, 30), _C(0.9, 0.95, 1.05, 0.138, 0.045, 0.978)),
    (date(2026, 10, 1), date(2026, 10, 7), _C(0.7, 1.1, 1.1, 0.138, 0.045, 0.98)),  # National Day
    (date(2026, 10, 8), date(2026, 10, 19), _C(0.9, 0.95, 1.05, 0.138, 0.045, 0.98)),
    # Double 11: pre-sales from 20 October, the peak on 10-13 November, then deliveries
    # and returns. The team is overwhelmed: breached everywhere, critical in places.
    (date(2026, 10, 20), date(2026, 10, 31), _C(1.3, 1.15, 1.1, 0.138, 0.045, 0.98)),
    (date(2026, 11, 1), date(2026, 11, 9), _C(1.7, 2.6, 1.9, 0.215, 0.07, 0.89)),
    (date(2026, 11, 10), date(2026, 11, 13), _C(3.0, 15.0, 11.0, 0.295, 0.09, 0.81)),
    (date(2026, 11, 14), date(2026, 11, 20), _C(1.9, 5.0, 3.5, 0.245, 0.08, 0.86)),
    (date(2026, 11, 21), date(2026, 11, 30), _C(1.4, 2.0, 1.6, 0.195, 0.065, 0.90)),
    # December: recovery to warning, with a small bump for Double 12.
    (date(2026, 12, 1), date(2026, 12, 10), _C(1.1, 1.15, 1.2, 0.105, 0.045, 0.946)),
    (date(2026, 12, 11), date(2026, 12, 13), _C(1.3, 1.1, 1.1, 0.10, 0.045, 0.95)),
    (date(2026, 12, 14), date(2026, 12, 31), _C(1.0, 1.0, 1.0, 0.095, 0.043, 0.955)),
)

# Arrivals by weekday (Monday first) and by local hour (e-commerce: mornings, afternoons
# and evenings after work; a night shift takes the few tickets between midnight and 8:00).
_WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7)
_HOURS = (
    *(0.6, 0.3, 0.2, 0.15, 0.15, 0.2, 0.5, 1.2),  # 0-7h: the night shift
    *(2.8, 4.5, 5.5, 5.6, 4.6, 4.8, 5.4, 5.5),  # 8-15h
    *(5.2, 4.8, 4.2, 4.4, 4.8, 4.5, 3.2, 1.6),  # 16-23h
)
_HOUR_CUM = tuple(sum(_HOURS[: h + 1]) for h in range(24))

_CHANNELS = ("phone", "email", "chat", "wechat")
_CHATBOT = (date(2026, 6, 1) - _START).days  # chat volume drops by a quarter from here
_WECHAT = (date(2026, 9, 14) - _START).days  # WeChat opens here and grows for three weeks
# Median first response in minutes, and the feedback channels of each ticket channel.
_RESPONSE_MEDIAN = {"phone": 2.2, "email": 10.0, "chat": 3.4, "wechat": 4.2}
_FEEDBACK = {
    "phone": (("phone", "web"), (0.6, 1.0)),
    "email": (("email", "web"), (0.6, 1.0)),
    "chat": (("chat", "web"), (0.7, 1.0)),
    "wechat": (("wechat", "web"), (0.8, 1.0)),
}
_PRIORITIES = ("urgent", "high", "normal", "low")
_PRIORITY_CUM = {
    "phone": (0.08, 0.26, 0.84, 1.0),
    "email": (0.03, 0.15, 0.70, 1.0),
    "chat": (0.04, 0.18, 0.82, 1.0),
    "wechat": (0.04, 0.18, 0.82, 1.0),
}
_PRIORITY_SPEED = {"urgent": 0.45, "high": 0.6, "normal": 1.0, "low": 1.4}  # response
_PRIORITY_EFFORT = {"urgent": 0.6, "high": 0.8, "normal": 1.0, "low": 1.3}  # resolution
_SATISFACTION_BY_CHANNEL = {"phone": 0.01, "email": -0.02, "chat": 0.0, "wechat": -0.01}

_RESPONSE_SIGMA = 0.85
_RESOLUTION_MEDIAN_H = 3.0  # hands-on time to resolve, before nights and waiting
_RESOLUTION_SIGMA = 1.0
_SURVEY_RESOLVED = 0.36  # chance that a resolved ticket gets an answered survey
_SURVEY_UNRESOLVED = 0.15  # chance that an unresolved ticket does (after the first answer)


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
    story = (
        (date(2026, 3, 16), 36.5),
        (date(2026, 6, 15), 43.2),
        (date(2026, 9, 14), 47.8),
        (date(2026, 12, 14), 24.0),
    )
    values = []
    for week_start, value in story:
        day = (week_start - _START).days + rng.randrange(5)
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
        second = (last_day - _START).days * 86_400 + 17 * 3600 + 30 * 60
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
    conditions = [_conditions(_START + timedelta(days=n)) for n in range(_DAYS)]
    weights = [
        c.volume * _WEEKDAY[(_START + timedelta(days=n)).weekday()]
        for n, c in enumerate(conditions)
    ]
    per_weight = TICKETS_PER_YEAR * scale / sum(weights)
    pending: list[tuple[int, int, str, str, int]] = []  # surveys waiting for their time
    ticket_number = survey_number = 0
    for day in range(_DAYS):
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
    rng: random.Random, draws: _Draws, day: int, created: int, now: _Conditions
) -> tuple[Row, tuple[int, str, int] | None]:
    """One ticket (without its id) and its survey, if the customer answers one."""
    channel = rng.choices(_CHANNELS, cum_weights=_channel_cum(day))[0]
    priority = rng.choices(_PRIORITIES, cum_weights=_PRIORITY_CUM[channel])[0]
    hour = created % 86_400 // 3600
    median = _RESPONSE_MEDIAN[channel] * _PRIORITY_SPEED[priority] * now.response
    if channel == "wechat" and day < _WECHAT + 28:
        median *= 1.5  # the first four weeks on a new channel
    if hour < 8:
        median *= 2.5  # night shift
    elif hour >= 22:
        median *= 1.5
    if (_START + timedelta(days=day)).weekday() >= 5:
        median *= 1.1
    first_response = max(0.1, round(median * math.exp(rng.gauss(0.0, _RESPONSE_SIGMA)), 1))
    answered = created + round(first_response * 60)

    resolved: int | None = None
    reopened = confirmed = False
    unresolved = now.unresolved * (0.6 if priority == "urgent" else 1.0)
    if not draws.unresolved(unresolved):
        work = _RESOLUTION_MEDIAN_H * _PRIORITY_EFFORT[priority] * now.resolution
        resolved = _working_time(
            rng, answered + round(3600 * work * math.exp(rng.gauss(0.0, _RESOLUTION_SIGMA)))
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

    chance = _SURVEY_UNRESOLVED if resolved is None else _SURVEY_RESOLVED
    if rng.random() >= chance:
        return ticket, None
    sent = answered if resolved is None else resolved
    survey_time = sent + round(3600 * min(168.0, rng.lognormvariate(0.7, 1.2)))
    if survey_time >= _END:
        return ticket, None
    happy = now.satisfied + _SATISFACTION_BY_CHANNEL[channel]
    happy -= 0.06 * (first_response > 30) + 0.06 * (first_response > 60)
    if resolved is None:
        happy -= 0.45
    else:
        happy -= 0.15 * reopened + 0.06 * (resolved - created > 24 * 3600)
    if draws.happy(happy):
        score = 5 if rng.random() < 0.62 else 4
    else:
        score = rng.choices((1, 2, 3), cum_weights=(0.25, 0.5, 1.0))[0]
    feedback, cum = _FEEDBACK[channel]
    return ticket, (survey_time, rng.choices(feedback, cum_weights=cum)[0], score)


def _conditions(day: date) -> _Conditions:
    for first, last, conditions in _STORY:
        if first <= day <= last:
            return conditions
    return _NORMAL


def _channel_cum(day: int) -> tuple[float, float, float, float]:
    phone, email, chat = 0.32, 0.18, 0.5
    if day >= _CHATBOT:
        chat *= 0.75
    wechat = 0.25 * min(1.0, (day - _WECHAT + 1) / 21) if day >= _WECHAT else 0.0
    return (phone, phone + email, phone + email + chat, phone + email + chat + wechat)


def _arrival_second(rng: random.Random) -> int:
    hour = rng.choices(range(24), cum_weights=_HOUR_CUM)[0]
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
