"""The year the sample data tells, and the conditions of each day that make it so.

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
  (October: the director, and `response_plan`). The week of 17 August the helpdesk moved
  to a new server (no tickets were recorded on 22-23 August); the plan's `server_move`
  exclusion leaves that week out of `fast_resolution` (*excluded*) and its seven days out
  of the daily `urgent_first`. WeChat opens on 14 September (the milestone is
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

The weekly `satisfied_weekly` reads the same surveys as `satisfied`, whose indicator has
`min_sample 250`: the short first and last weeks of the year, the Spring Festival week and
the server move's week have fewer answers (132, 229, 239, 245), so they are *insufficient*,
and the year ends on an insufficient week; June's 618 and November's Double 11 weeks are
breached or critical. `office_resolution_time` counts resolution in the second line's office
hours (`calendar office`, closed at the Spring Festival and National Day): about 4.5 hours
a week, in warning around Double 11, critical in the week of 9 November.

The progress goal `resolved_volume` (20,000 resolved in the year) is met all year at
scale 1.0: about 52,000 tickets get resolved. `promoters` (NPS, recorded quarterly, see
`nps_values`) is breached in Q1, in warning in Q2, met in Q3 and critical in Q4.
`called_back` (recorded monthly, see `callback_values`) has no data for December, so the
year ends with every status on the scorecard. Of the milestones (see
`milestone_completions`), the knowledge base is late (done 10 April, inside its buffer),
the chatbot and WeChat service are done on time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

START = date(2026, 1, 1)
DAYS = 365


@dataclass(frozen=True, slots=True)
class Conditions:
    """How the service runs on one day; the story is told by changing these."""

    volume: float = 1.0  # arrivals, relative to an ordinary day of the same weekday
    response: float = 1.0  # multiplies the median first response
    resolution: float = 1.0  # multiplies the median time to resolve
    unresolved: float = 0.07  # chance that a ticket is never resolved
    reopen: float = 0.03  # chance that a resolved ticket is reopened by the customer
    satisfied: float = 0.97  # base chance that a survey scores 4 or 5


NORMAL = Conditions()
HOLIDAY = replace(NORMAL, response=1.15)  # short public holidays: fewer agents on duty
C = Conditions  # the story below gives its fields in this order:
#          volume response resolution unresolved reopen satisfied

# First match wins; days in no period are NORMAL.
STORY: tuple[tuple[date, date, Conditions], ...] = (
    # New Year's Day holiday: quiet.
    (date(2026, 1, 1), date(2026, 1, 3), replace(HOLIDAY, volume=0.8)),
    # Chinese New Year (17 February; holiday 15-23 February): the shipping cut-off rush
    # before it, a skeleton crew during it, the backlog after it. Warning, no breach.
    (date(2026, 2, 1), date(2026, 2, 14), C(1.35, 1.45, 1.2, 0.122, 0.044, 0.954)),
    (date(2026, 2, 15), date(2026, 2, 23), C(0.7, 1.75, 1.3, 0.132, 0.046, 0.949)),
    (date(2026, 2, 24), date(2026, 3, 1), C(1.2, 1.3, 1.15, 0.117, 0.042, 0.954)),
    # March: new hires replace the agents who did not come back after the holiday;
    # satisfaction stays in warning while the knowledge base (due 31 March) is written.
    (date(2026, 3, 2), date(2026, 3, 31), replace(NORMAL, response=1.05, satisfied=0.936)),
    (date(2026, 4, 4), date(2026, 4, 6), replace(HOLIDAY, volume=0.85)),  # Qingming
    (date(2026, 5, 1), date(2026, 5, 5), replace(HOLIDAY, volume=0.8)),  # Labour Day
    # 618: the chatbot, live since 1 June, meets its first shopping festival; customers
    # who fight it before reaching an agent are unhappy. Satisfaction breached.
    (date(2026, 6, 1), date(2026, 6, 15), C(1.2, 1.2, 1.1, 0.108, 0.034, 0.93)),
    (date(2026, 6, 16), date(2026, 6, 21), C(1.9, 1.7, 1.4, 0.123, 0.04, 0.875)),
    (date(2026, 6, 22), date(2026, 6, 30), C(1.3, 1.05, 1.1, 0.108, 0.034, 0.92)),
    # From July the chatbot keeps the simple questions away: fewer tickets, answered
    # faster, but the ones left are harder and fewer get resolved, as the targets tighten.
    (date(2026, 7, 1), date(2026, 7, 31), C(0.9, 0.85, 1.05, 0.112, 0.03, 0.972)),
    # 22-23 August: the helpdesk moves to a new server; the contacts of that weekend are
    # handled by hand and never entered. No tickets, so no data.
    (date(2026, 8, 22), date(2026, 8, 23), C(volume=0.0)),
    # August to October: resolution rate breached three months in a row; with WeChat
    # (from 14 September) reopened tickets creep up to warning.
    (date(2026, 8, 1), date(2026, 8, 31), C(0.9, 0.95, 1.05, 0.138, 0.033, 0.978)),
    (date(2026, 9, 1), date(2026, 9, 30), C(0.9, 0.95, 1.05, 0.138, 0.045, 0.978)),
    (date(2026, 10, 1), date(2026, 10, 7), C(0.7, 1.1, 1.1, 0.138, 0.045, 0.98)),  # National Day
    (date(2026, 10, 8), date(2026, 10, 19), C(0.9, 0.95, 1.05, 0.138, 0.045, 0.98)),
    # Double 11: pre-sales from 20 October, the peak on 10-13 November, then deliveries
    # and returns. The team is overwhelmed: breached everywhere, critical in places.
    (date(2026, 10, 20), date(2026, 10, 31), C(1.3, 1.15, 1.1, 0.138, 0.045, 0.98)),
    (date(2026, 11, 1), date(2026, 11, 9), C(1.7, 2.6, 1.9, 0.215, 0.07, 0.89)),
    (date(2026, 11, 10), date(2026, 11, 13), C(3.0, 15.0, 11.0, 0.295, 0.09, 0.81)),
    (date(2026, 11, 14), date(2026, 11, 20), C(1.9, 5.0, 3.5, 0.245, 0.08, 0.86)),
    (date(2026, 11, 21), date(2026, 11, 30), C(1.4, 2.0, 1.6, 0.195, 0.065, 0.90)),
    # December: recovery to warning, with a small bump for Double 12.
    (date(2026, 12, 1), date(2026, 12, 10), C(1.1, 1.15, 1.2, 0.105, 0.045, 0.946)),
    (date(2026, 12, 11), date(2026, 12, 13), C(1.3, 1.1, 1.1, 0.10, 0.045, 0.95)),
    (date(2026, 12, 14), date(2026, 12, 31), C(1.0, 1.0, 1.0, 0.095, 0.043, 0.955)),
)

# Arrivals by weekday (Monday first) and by local hour (e-commerce: mornings, afternoons
# and evenings after work; a night shift takes the few tickets between midnight and 8:00).
WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7)
HOURS = (
    *(0.6, 0.3, 0.2, 0.15, 0.15, 0.2, 0.5, 1.2),  # 0-7h: the night shift
    *(2.8, 4.5, 5.5, 5.6, 4.6, 4.8, 5.4, 5.5),  # 8-15h
    *(5.2, 4.8, 4.2, 4.4, 4.8, 4.5, 3.2, 1.6),  # 16-23h
)
HOUR_CUM = tuple(sum(HOURS[: h + 1]) for h in range(24))

CHANNELS = ("phone", "email", "chat", "wechat")
CHATBOT = (date(2026, 6, 1) - START).days  # chat volume drops by a quarter from here
WECHAT = (date(2026, 9, 14) - START).days  # WeChat opens here and grows for three weeks
# Median first response in minutes, and the feedback channels of each ticket channel.
RESPONSE_MEDIAN = {"phone": 2.2, "email": 10.0, "chat": 3.4, "wechat": 4.2}
FEEDBACK = {
    "phone": (("phone", "web"), (0.6, 1.0)),
    "email": (("email", "web"), (0.6, 1.0)),
    "chat": (("chat", "web"), (0.7, 1.0)),
    "wechat": (("wechat", "web"), (0.8, 1.0)),
}
PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_CUM = {
    "phone": (0.08, 0.26, 0.84, 1.0),
    "email": (0.03, 0.15, 0.70, 1.0),
    "chat": (0.04, 0.18, 0.82, 1.0),
    "wechat": (0.04, 0.18, 0.82, 1.0),
}
PRIORITY_SPEED = {"urgent": 0.45, "high": 0.6, "normal": 1.0, "low": 1.4}  # response
PRIORITY_EFFORT = {"urgent": 0.6, "high": 0.8, "normal": 1.0, "low": 1.3}  # resolution
SATISFACTION_BY_CHANNEL = {"phone": 0.01, "email": -0.02, "chat": 0.0, "wechat": -0.01}

RESPONSE_SIGMA = 0.85
RESOLUTION_MEDIAN_H = 3.0  # hands-on time to resolve, before nights and waiting
RESOLUTION_SIGMA = 1.0
SURVEY_RESOLVED = 0.36  # chance that a resolved ticket gets an answered survey
SURVEY_UNRESOLVED = 0.15  # chance that an unresolved ticket does (after the first answer)


def conditions(day: date) -> Conditions:
    for first, last, conditions in STORY:
        if first <= day <= last:
            return conditions
    return NORMAL


def channel_cum(day: int) -> tuple[float, float, float, float]:
    phone, email, chat = 0.32, 0.18, 0.5
    if day >= CHATBOT:
        chat *= 0.75
    wechat = 0.25 * min(1.0, (day - WECHAT + 1) / 21) if day >= WECHAT else 0.0
    return (phone, phone + email, phone + email + chat, phone + email + chat + wechat)
