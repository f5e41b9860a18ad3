"""Write the two help-desk exports that sample-plans/zendesk.goal and
sample-plans/jira-service-management.goal read, shaped the way the products write them:

- zendesk-tickets.csv: a Zendesk Support ticket export of July to September 2023, in the
  account's local time (Europe/Berlin), `2023-07-03 09:14:27` style, CRLF line ends;
- jira-service-management.csv: a Jira Service Management issue export of the same quarter,
  in the exporting user's time (America/New_York), `03/Jul/23 9:14 AM` style, LF line ends.

Both come in no particular order, with open tickets that have empty solve times and metrics,
subjects with commas and quotes, and a few values spanning two lines.

    python sample-plans/data/make_exports.py   # rewrites the two files next to this script

The output depends on nothing but the seeds: only integer draws and IEEE arithmetic are
used (no log, exp or cos), so every platform writes the same bytes, and the tests compare
the committed files with a fresh run.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

ZENDESK_FILE = "zendesk-tickets.csv"
JIRA_FILE = "jira-service-management.csv"

QUARTER_START = datetime(2023, 7, 1)
QUARTER_END = datetime(2023, 10, 1)  # exclusive
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ZENDESK_HEADER = (
    "Id",
    "Requester",
    "Assignee",
    "Group",
    "Subject",
    "Tags",
    "Status",
    "Priority",
    "Via",
    "Ticket type",
    "Created at",
    "Updated at",
    "Solved at",
    "Satisfaction Score",
    "Reopens",
    "Replies",
    "First reply time in minutes",
    "First reply time in minutes within business hours",
    "Full resolution time in minutes",
    "Full resolution time in minutes within business hours",
)

JIRA_HEADER = (
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Project key",
    "Project name",
    "Priority",
    "Resolution",
    "Assignee",
    "Reporter",
    "Created",
    "Updated",
    "Resolved",
    "Description",
    "Custom field (Request Type)",
    "Custom field (Satisfaction)",
    "Custom field (Time to first response)",
)

FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannah", "Ivan", "Jonas",
    "Katrin", "Lukas", "Mara", "Niklas", "Olga", "Paul", "Rosa", "Sven", "Tobias", "Ute",
    "Zoë", "José", "Søren", "Ayşe", "Marta", "Pierre", "Noor", "Kenji", "Leah", "Tomás",
)  # fmt: skip
LAST_NAMES = (
    "Becker", "Fischer", "Hoffmann", "Jansen", "Klein", "Lange", "Müller", "Neumann",
    "Schäfer", "Wagner", "Weber", "Yilmaz", "García", "Dubois", "Kowalski", "Nakamura",
    "Rossi", "Andersen", "O'Brien", "Haddad",
)  # fmt: skip


# ---------------------------------------------------------------- shared drawing


def pick_weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def from_buckets(rng: random.Random, buckets: Sequence[tuple[int, int, int]]) -> int:
    """A whole number from (low, high, weight) buckets: a skewed spread with integer draws
    only, where a log-normal would make the bytes depend on the platform's libm."""
    low, high, _ = rng.choices(buckets, weights=[w for _, _, w in buckets])[0]
    return rng.randint(low, high)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def created_times(
    rng: random.Random, count: int, opening: int, closing: int, seconds: bool
) -> list[datetime]:
    """Creation times over the quarter, mostly on weekdays in office hours, in time order."""
    days = (QUARTER_END - QUARTER_START).days
    found = []
    while len(found) < count:
        day = QUARTER_START + timedelta(days=rng.randrange(days))
        if day.weekday() >= 5 and rng.randrange(10) < 7:  # quiet weekends
            continue
        hour = rng.randrange(opening, closing) if rng.randrange(10) < 8 else rng.randrange(24)
        minute = rng.randrange(60)
        second = rng.randrange(60) if seconds else 0
        found.append(day.replace(hour=hour, minute=minute, second=second))
    return sorted(found)


class OfficeHours:
    """Weekday office hours, for the metrics exports give "within business hours"."""

    def __init__(self, opening: int, closing: int) -> None:
        self.opening = opening
        self.closing = closing

    def _next_open(self, moment: datetime) -> datetime:
        day = moment.replace(hour=0, minute=0, second=0)
        while True:
            start = day.replace(hour=self.opening)
            end = day.replace(hour=self.closing)
            if day.weekday() < 5 and moment < end:
                return max(moment, start)
            day += timedelta(days=1)

    def add(self, moment: datetime, minutes: int) -> datetime:
        """`moment` plus that many minutes of office time."""
        left = timedelta(minutes=minutes)
        moment = self._next_open(moment)
        while True:
            end = moment.replace(hour=self.closing, minute=0, second=0)
            if moment + left <= end:
                return moment + left
            left -= end - moment
            moment = self._next_open(end)

    def minutes_between(self, start: datetime, end: datetime) -> int:
        total = timedelta()
        day = start.replace(hour=0, minute=0, second=0)
        while day < end:
            if day.weekday() < 5:
                opened = max(start, day.replace(hour=self.opening))
                closed = min(end, day.replace(hour=self.closing))
                if closed > opened:
                    total += closed - opened
            day += timedelta(days=1)
        return int(total.total_seconds()) // 60


def whole_minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds()) // 60


def write_csv(path: Path, header: Sequence[str], rows: list[list[str]], line_end: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator=line_end)
        writer.writerow(header)
        writer.writerows(rows)


# ---------------------------------------------------------------- Zendesk

ZENDESK_EXPORTED = datetime(2023, 10, 2, 9, 12, 41)
ZENDESK_HOURS = OfficeHours(8, 18)
AGENTS = {
    "Support": ("Lena Vogel", "Marco Brandt", "Sina Keller", "Jan Petersen"),
    "Billing": ("Ida Lorenz", "Tarek Aziz"),
    "Technical Support": ("Nils Berger", "Emma Krüger", "Yusuf Demir"),
}
SUBJECTS = {
    "Support": (
        ("Where is my order?", "order shipping"),
        ("Change delivery address", "order address_change"),
        ("Order arrived damaged", "order damaged"),
        ('Tracking page says "delivered", but nothing arrived', "order shipping lost"),
        ("Cancel my order, please", "order cancellation"),
        ("Return label missing from the parcel", "return"),
        ("Question about the warranty", "warranty"),
        ("Wrong size, can I exchange it?", "return exchange"),
    ),
    "Billing": (
        ("Charged twice for one order", "billing double_charge"),
        ("Refund not received yet", "billing refund"),
        ("Invoice needs our VAT number", "billing invoice"),
        ('Coupon "SUMMER23" not accepted', "billing coupon"),
        ("Update the credit card on file", "billing payment_method"),
    ),
    "Technical Support": (
        ("Can't log in, reset link has expired", "login password_reset"),
        ("App crashes when I open the cart", "app crash"),
        ('Error "500 Internal Server Error" at checkout', "checkout bug"),
        ("Two-factor code never arrives", "login 2fa"),
        ("Export to CSV is empty, no rows", "export bug"),
        ("Sync with Shopify stopped", "integration shopify"),
    ),
}
# Pasted from e-mail clients that keep a line break in the subject.
TWO_LINE_SUBJECTS = (
    ("Support", "Fwd: Order #48213 arrived damaged\n(second box is fine)", "order damaged"),
    ("Billing", "Re: Invoice INV-2023-0871,\nwrong amount", "billing invoice"),
)
# The August holidays leave the desk short-handed: replies and solutions take longer, in
# tenths, and more customers are unhappy.
ZENDESK_SLOWDOWN = {7: 10, 8: 22, 9: 13}
ZENDESK_BAD_IN_TEN = {7: 1, 8: 3, 9: 1}


def zendesk_tickets(rng: random.Random) -> list[list[str]]:
    rows = []
    created_all = created_times(rng, 318, 7, 20, seconds=True)
    two_line_at = {37: TWO_LINE_SUBJECTS[0], 211: TWO_LINE_SUBJECTS[1]}
    for number, created in enumerate(created_all):
        slow = ZENDESK_SLOWDOWN[created.month]
        group = pick_weighted(rng, (("Support", 6), ("Billing", 2), ("Technical Support", 3)))
        subject, tags = rng.choice(SUBJECTS[group])
        if number in two_line_at:
            group, subject, tags = two_line_at[number]
        via = pick_weighted(rng, (("Web form", 8), ("Email", 7), ("Chat", 3), ("Phone call", 2)))
        priority = pick_weighted(
            rng, (("low", 4), ("normal", 11), ("high", 4), ("urgent", 1), ("", 1))
        )
        if rng.randrange(20) == 0:
            tags += " vip"

        # The first public reply: at once on chat and phone, else in office time.
        if via in ("Chat", "Phone call"):
            replied: datetime | None = created + timedelta(minutes=rng.randint(0, 9))
        else:
            office = from_buckets(rng, ((5, 30, 4), (31, 120, 6), (121, 300, 4), (301, 900, 1)))
            office //= {"urgent": 4, "high": 2}.get(priority, 1)
            replied = ZENDESK_HOURS.add(created, office * slow // 10)
            replied += timedelta(seconds=rng.randrange(60))
        # Phone tickets are often logged after the call, with no public reply at all.
        if via == "Phone call" and rng.randrange(3) == 0:
            replied = None

        work = from_buckets(rng, ((10, 120, 5), (121, 600, 6), (601, 1800, 4), (1801, 4000, 1)))
        reopens = pick_weighted(rng, (("0", 45), ("1", 4), ("2", 1)))
        work += int(reopens) * rng.randint(600, 1500)
        solved: datetime | None = ZENDESK_HOURS.add(replied or created, work * slow // 10)
        solved += timedelta(seconds=rng.randrange(60))
        stale = rng.randrange(40) == 0  # waits on the customer for weeks

        if replied is not None and replied > ZENDESK_EXPORTED:
            replied = None
        if stale or solved > ZENDESK_EXPORTED:
            solved = None
        if solved is not None:
            status = "closed" if solved + timedelta(days=4) <= ZENDESK_EXPORTED else "solved"
        elif replied is None and via != "Phone call":
            status = "new"
        else:
            status = pick_weighted(rng, (("open", 3), ("pending", 2)))
            if stale:
                status = "pending"

        assignee = "" if status == "new" else rng.choice(AGENTS[group])
        if solved is not None:
            updated = solved + timedelta(days=4) if status == "closed" else solved
            updated += timedelta(seconds=rng.randrange(1, 3600))
        else:
            updated = (replied or created) + timedelta(minutes=rng.randint(1, 600))
        updated = min(updated, ZENDESK_EXPORTED)

        score = "Unoffered"
        if solved is not None and via != "Phone call" and solved + timedelta(days=1) <= updated:
            bad = ZENDESK_BAD_IN_TEN[created.month] + (2 if work > 1800 else 0)
            score = "Offered"  # the survey went out; most never answer
            if rng.randrange(20) >= 9:
                score = "Bad" if rng.randrange(10) < bad else "Good"
        replies = int(replied is not None) + rng.randint(0, 3) + int(reopens)

        rows.append(
            [
                str(18240 + number),
                person(rng),
                assignee,
                group,
                subject,
                tags,
                status,
                priority,
                via,
                pick_weighted(
                    rng, (("question", 6), ("incident", 3), ("problem", 1), ("task", 1), ("", 2))
                ),
                f"{created:%Y-%m-%d %H:%M:%S}",
                f"{updated:%Y-%m-%d %H:%M:%S}",
                f"{solved:%Y-%m-%d %H:%M:%S}" if solved else "",
                score,
                reopens,
                str(replies),
                str(whole_minutes(created, replied)) if replied else "",
                str(ZENDESK_HOURS.minutes_between(created, replied)) if replied else "",
                str(whole_minutes(created, solved)) if solved else "",
                str(ZENDESK_HOURS.minutes_between(created, solved)) if solved else "",
            ]
        )
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------- Jira Service Management

JIRA_EXPORTED = datetime(2023, 10, 2, 8, 47)
JIRA_HOURS = OfficeHours(9, 17)
JIRA_AGENTS = ("Priya Raman", "Derek Olsen", "Maya Chen", "Carlos Ortiz", "Hana Sato")
REQUEST_TYPES = {
    "Get IT help": (
        "Service Request",
        (
            "Monitor flickers, second screen goes black",
            "Printer on 4th floor jams again",
            'Teams says "You\'re offline" all day',
            "Laptop very slow since the update",
        ),
    ),
    "Fix an account problem": (
        "Service Request",
        (
            "Locked out of my account",
            "Can't reset password, link expired",
            'MFA prompt loops, "Try again later"',
        ),
    ),
    "Request new hardware": (
        "Service Request",
        ("New laptop for new hire", "Docking station, USB-C", "Headset for the call team"),
    ),
    "Request new software": (
        "Service Request",
        ("Licence for Adobe Acrobat", "Install Tableau Desktop", "Visio, please"),
    ),
    "Set up VPN to the office": (
        "Service Request",
        ("VPN access for contractor", "VPN drops every 10 minutes"),
    ),
    "Report a system problem": (
        "Incident",
        (
            "Outlook can't connect to the mail server",
            "Shared drive S: not reachable",
            'Payroll app: "Session expired", can\'t submit',
            "Wi-Fi down in building B",
            "CRM very slow, pages time out",
        ),
    ),
}
DESCRIPTIONS = (
    "",
    "Started this morning.",
    "Happens every day around 10am, restarting doesn't help.",
    'Error message says "Access denied", see screenshot.\nTried another browser, same thing.',
    "Needed by Friday, please.\nCost centre 4410, approved by my manager.",
    "Several people on my team have it too, so it's not just me.",
)
# In July the mail server moved to the cloud: incidents pile up, answers come late and
# scores drop. August is calm, September in between.
MIGRATION_WEEKEND_END = datetime(2023, 7, 3)
JIRA_INCIDENTS_IN_TEN = {7: 5, 8: 2, 9: 3}
JIRA_SLOWDOWN = {7: 18, 8: 9, 9: 12}
JIRA_UNHAPPY_IN_TEN = {7: 4, 8: 1, 9: 2}


def jira_time(moment: datetime) -> str:
    """Jira's `dd/MMM/yy h:mm a`, written by hand: %b and %p follow the locale."""
    hour = moment.hour % 12 or 12
    noon = "PM" if moment.hour >= 12 else "AM"
    return f"{moment.day:02d}/{MONTHS[moment.month - 1]}/{moment:%y} {hour}:{moment:%M} {noon}"


def jira_issues(rng: random.Random) -> list[list[str]]:
    rows = []
    # The mail server moved over the weekend of 1 July; people on call noticed at once.
    migration = [datetime(2023, 7, 1, 10 + 2 * n, rng.randrange(60)) for n in range(3)]
    created_all = migration + created_times(rng, 243, 8, 18, seconds=False)
    for number, created in enumerate(created_all):
        slow = JIRA_SLOWDOWN[created.month]
        migration_weekend = created < MIGRATION_WEEKEND_END
        if migration_weekend or rng.randrange(10) < JIRA_INCIDENTS_IN_TEN[created.month]:
            request_type = "Report a system problem"
        else:
            request_type = rng.choice(
                [kind for kind in REQUEST_TYPES if kind != "Report a system problem"]
            )
        issue_type, summaries = REQUEST_TYPES[request_type]
        if issue_type == "Incident":
            priority = pick_weighted(rng, (("Highest", 1), ("High", 3), ("Medium", 5), ("Low", 1)))
        else:
            priority = pick_weighted(rng, (("High", 1), ("Medium", 6), ("Low", 3)))

        office = from_buckets(rng, ((2, 20, 5), (21, 60, 5), (61, 240, 3), (241, 600, 1)))
        if priority in ("Highest", "High"):
            office //= 3
        responded: datetime | None = JIRA_HOURS.add(created, office * slow // 10)
        work = from_buckets(rng, ((20, 120, 4), (121, 480, 5), (481, 1440, 3), (1441, 3000, 1)))
        if issue_type == "Incident":
            work //= 3 if priority in ("Highest", "High") else 2
        resolved: datetime | None = JIRA_HOURS.add(responded or created, work * slow // 10)
        canceled = rng.randrange(25) == 0

        if responded is not None and responded > JIRA_EXPORTED:
            responded = None
        if resolved is not None and resolved > JIRA_EXPORTED:
            resolved = None
        if resolved is not None:
            resolution = "Done"
            status = "Closed" if resolved + timedelta(days=5) <= JIRA_EXPORTED else "Resolved"
            if canceled:  # withdrawn by the requester: Jira still stamps Resolved
                status = "Canceled"
                resolution = pick_weighted(rng, (("Won't Do", 2), ("Duplicate", 1)))
        elif responded is None:
            status, resolution = "Waiting for support", ""
        else:
            status = pick_weighted(
                rng, (("In Progress", 3), ("Waiting for customer", 2), ("Pending", 1))
            )
            resolution = ""

        if resolved is not None:
            updated = resolved + (timedelta(days=5) if status == "Closed" else timedelta())
            updated += timedelta(minutes=rng.randint(1, 90))
        else:
            updated = (responded or created) + timedelta(minutes=rng.randint(1, 900))
        updated = min(updated, JIRA_EXPORTED)

        satisfaction = ""
        if status in ("Resolved", "Closed") and rng.randrange(10) < 4:  # most never answer
            unhappy = rng.randrange(10) < JIRA_UNHAPPY_IN_TEN[created.month]
            satisfaction = str(rng.choice((1, 2, 3) if unhappy else (4, 5, 5)))

        summary = (
            "Outlook can't connect to the mail server"
            if migration_weekend
            else rng.choice(summaries)
        )
        rows.append(
            [
                summary,
                f"ITSD-{1402 + number}",
                str(20817 + number),
                issue_type,
                status,
                "ITSD",
                "IT Service Desk",
                priority,
                resolution,
                "" if status == "Waiting for support" else rng.choice(JIRA_AGENTS),
                person(rng),
                jira_time(created),
                jira_time(updated),
                jira_time(resolved) if resolved else "",
                rng.choice(DESCRIPTIONS),
                request_type,
                satisfaction,
                # The SLA counts the desk's office hours only.
                str(JIRA_HOURS.minutes_between(created, responded)) if responded else "",
            ]
        )
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------- both


def write_exports(folder: Path) -> list[Path]:
    """Write both exports into `folder`; the paths written."""
    zendesk = folder / ZENDESK_FILE
    jira = folder / JIRA_FILE
    # Separate seeds, so that a change to one export leaves the other as it is.
    write_csv(zendesk, ZENDESK_HEADER, zendesk_tickets(random.Random(20230701)), "\r\n")
    write_csv(jira, JIRA_HEADER, jira_issues(random.Random(20231002)), "\n")
    return [zendesk, jira]


if __name__ == "__main__":
    for written in write_exports(Path(__file__).resolve().parent):
        print(f"wrote {written}")
