"""Reading a time column by its `--time-format`: strptime codes (`%d-%m-%Y %H:%M`), `epoch`
or `epoch_ms`; and, for a value no format was given for and ISO 8601 cannot read, the
`--time-format` to add, with both readings when day and month could be either.

A format made only of the common codes is compiled to one regular expression and read with
plain integer conversions: `datetime.strptime` costs about 8 µs a value, a million rows
8 s, where this costs a fraction of it. Other codes fall back to `strptime` itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ...language.time_formats import EPOCHS

# The codes compiled to a regular expression, and the group each fills.
_CODES = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{1,2})",
    "S": r"(?P<S>\d{1,2})",
    "f": r"(?P<f>\d{1,6})",
    "p": r"(?P<p>[AaPp][Mm])",
}
_CODE = re.compile(r"%(.)")

Reader = Callable[[str], float]


def reader(fmt: str, zone: ZoneInfo) -> Reader:
    """Seconds since 1970 UTC of a value written in `fmt`; a time without an offset is in
    `zone`. Raises ValueError for a value not in the format (or a date that does not exist)."""
    if fmt in EPOCHS:
        return _epoch(EPOCHS[fmt])
    compiled = _compiled(fmt)
    if compiled is None:
        return lambda value: _instant(datetime.strptime(value.strip(), fmt), zone)
    match = compiled.fullmatch
    codes = set(compiled.groupindex)
    if {"Y", "m", "d", "H", "M"} <= codes <= {"Y", "m", "d", "H", "M", "S"}:
        return _plain(match, [compiled.groupindex[c] for c in "YmdHMS" if c in codes], zone)
    return lambda value: _instant(_fields(compiled, value), zone)


def _plain(
    match: Callable[[str], re.Match[str] | None], where: list[int], zone: ZoneInfo
) -> Reader:
    """The usual export, to the minute or the second. A million values each made into an
    aware datetime cost seconds; instead the instant of each local hour is found once (while
    the zone keeps one offset through that hour, as it almost always does), keyed by the
    text of its fields, and the minutes and seconds are added to it."""
    hours: dict[tuple[str, ...], float | None] = {}
    seconds = len(where) == 6

    def read(value: str) -> float:
        found = match(value) or match(value.strip())
        if found is None:
            raise ValueError(value)
        fields = found.group(*where)
        hour = fields[:4]
        if hour not in hours:
            if len(hours) > 100_000:
                hours.clear()
            y, mo, d, h = (int(text) for text in hour)
            hours[hour] = _hour_start(y, mo, d, h, zone)  # raises for a day that does not exist
        start = hours[hour]
        try:
            minute, second = _SIXTY[fields[4]], _SIXTY[fields[5]] if seconds else 0
        except KeyError:
            raise ValueError(value) from None
        if start is None:  # the offset changes within this hour: the whole conversion
            y, mo, d, h = (int(text) for text in hour)
            return datetime(y, mo, d, h, minute, second, tzinfo=zone).timestamp()
        return start + minute * 60 + second

    return read


# Minutes and seconds as exports write them: a look-up is cheaper than int(), and checks.
_SIXTY = {f"{n:02d}": n for n in range(60)} | {str(n): n for n in range(10)}


def _hour_start(year: int, month: int, day: int, hour: int, zone: ZoneInfo) -> float | None:
    """The instant of HH:00 local, or None if the zone's offset changes before HH:59:59."""
    start = datetime(year, month, day, hour, tzinfo=zone)
    if start.utcoffset() != start.replace(minute=59, second=59).utcoffset():
        return None
    return start.timestamp()


def _epoch(per_second: float) -> Reader:
    def read(value: str) -> float:
        seconds = float(value) / per_second
        if seconds != seconds or abs(seconds) > 1e11:  # nan, inf, or beyond year 5000
            raise ValueError(value)
        return seconds

    return read


def _compiled(fmt: str) -> re.Pattern[str] | None:
    """The format as a regular expression, or None when it uses other codes (or one twice)."""
    parts, seen, at = [], set(), 0
    for match in _CODE.finditer(fmt):
        code = match.group(1)
        parts.append(re.escape(fmt[at : match.start()]))
        at = match.end()
        if code == "%":
            parts.append("%")
            continue
        if code not in _CODES or code in seen:
            return None
        seen.add(code)
        parts.append(_CODES[code])
    parts.append(re.escape(fmt[at:]))
    if (
        not {"Y", "y"} & seen
        or "m" not in seen
        or "d" not in seen
        or ("I" in seen) != ("p" in seen)
    ):
        return None  # strptime's own defaults and checks decide these
    return re.compile("".join(parts))


def _fields(compiled: re.Pattern[str], value: str) -> datetime:
    match = compiled.fullmatch(value.strip())
    if match is None:
        raise ValueError(value)
    got = match.groupdict()
    year = int(got["Y"]) if got.get("Y") else 2000 + int(got["y"])
    if got.get("y") and year > 2068:  # strptime's pivot: 69-99 are 1969-1999
        year -= 100
    hour = int(got.get("H") or 0)
    if got.get("I"):
        hour = int(got["I"]) % 12 + (12 if got["p"].lower() == "pm" else 0)
        if not 1 <= int(got["I"]) <= 12:
            raise ValueError(value)
    micro = int((got.get("f") or "0").ljust(6, "0"))
    return datetime(
        year, int(got["m"]), int(got["d"]), hour, int(got.get("M") or 0), int(got.get("S") or 0),
        micro,
    )  # fmt: skip


def _instant(moment: datetime, zone: ZoneInfo) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).timestamp()


# ---------------------------------------------------------------- what to add

_DAY_MONTH = re.compile(
    r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"(?P<time>[ T](?P<hm>\d{1,2}:\d{2})(?P<s>:\d{2})?(?P<p> ?[AaPp][Mm])?)?"
)


def format_hint(column: str, value: str) -> str:
    """What to add for a value such as 01-06-2023 12:15 (day or month first?), or ''."""
    found = _DAY_MONTH.fullmatch(value.strip())
    if found is None:
        return ""
    sep, a, b, year = found["sep"], int(found["a"]), int(found["b"]), int(found["year"])
    clock = ""
    if found["time"]:
        twelve = found["p"] is not None
        clock = (
            found["time"][0] + ("%I" if twelve else "%H") + ":%M" + (":%S" if found["s"] else "")
        )
        clock += (" %p" if found["p"].startswith(" ") else "%p") if twelve else ""
    day_first = f"'{column}=%d{sep}%m{sep}%Y{clock}'"
    month_first = f"'{column}=%m{sep}%d{sep}%Y{clock}'"
    if a > 12 and b <= 12:
        return f"; add --time-format {day_first}"
    if b > 12 and a <= 12:
        return f"; add --time-format {month_first}"
    if a > 12 or b > 12:
        return ""
    return (
        f"; day or month first? add --time-format {day_first} ({_day(year, b, a)})"
        f" or {month_first} ({_day(year, a, b)})"
    )


def _day(year: int, month: int, day: int) -> str:
    try:
        return datetime(year, month, day, tzinfo=UTC).strftime("%-d %B %Y")
    except ValueError:
        return "no such day"


_UTC_SUFFIX = re.compile(r"\s*(?:UTC|GMT|z)$")


def iso_in_utc(value: str) -> datetime | None:
    """An ISO 8601 time that names UTC in words, as exports write it (2023-06-01 14:32:10 UTC),
    or None."""
    if _UTC_SUFFIX.search(value) is None:
        return None
    try:
        moment = datetime.fromisoformat(_UTC_SUFFIX.sub("", value.strip()))
    except ValueError:
        return None
    return None if moment.tzinfo else moment.replace(tzinfo=UTC)
