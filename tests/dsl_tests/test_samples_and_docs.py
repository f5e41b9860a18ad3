"""The sample plans, the language reference and the README: the samples check clean and are
laid out canonically, every ```goal block of the documents parses, every diagnostic code the
checker can give is documented, and the example messages of the reference are the ones
`goalline check` really prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dsl.api import check_plan, check_text, format_plan
from dsl.language import model as m
from dsl.language.parse import parse_text

from ..helpers import REPO, goalline

SAMPLES = REPO / "sample-plans"
LANGUAGE = REPO / "docs" / "language.md"
README = REPO / "README.md"

# A service's year, in Shanghai time: `goalline demo` generates the first one's data.
YEAR_SAMPLES = ("customer-support.goal", "it-service-desk.goal", "售后服务.goal")
YEAR_IDS = ("customer-support", "it-service-desk", "after-sales-zh")
# Plans that read a help desk's export as it comes (sample-plans/data/), over the quarter
# the export covers, in the zone the product wrote its times in; their import and figures
# are tested in tests/cli_tests/test_help_desk_samples.py.
FIELD_SAMPLES = ("zendesk.goal", "jira-service-management.goal")
FIELD_IDS = ("zendesk", "jira-service-management")
SAMPLE_NAMES = YEAR_SAMPLES + FIELD_SAMPLES
SAMPLE_IDS = YEAR_IDS + FIELD_IDS

# A ```goal fence opens at the start of a line and the block runs to the next ``` line.
_GOAL_BLOCK = re.compile(r"^```goal\n(.*?)^```$", re.M | re.S)
_CODE_IN_SOURCE = re.compile(r"""["']([EW]\d{3})["']""")
_CODE_HEADING = re.compile(r"^### ([EW]\d{3}) ", re.M)


def goal_blocks(path: Path) -> list[tuple[str, int, str]]:
    """(document name, line where the block's text starts, text) of every ```goal block."""
    text = path.read_text(encoding="utf-8")
    return [
        (path.name, text.count("\n", 0, match.start(1)) + 1, match.group(1))
        for match in _GOAL_BLOCK.finditer(text)
    ]


DOC_BLOCKS = goal_blocks(LANGUAGE) + goal_blocks(README)


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "dsl").rglob("*.py"):
        found.update(_CODE_IN_SOURCE.findall(path.read_text(encoding="utf-8")))
    return found


def documented_codes() -> list[str]:
    """The codes that have their own `### CODE ...` heading in the Diagnostics section."""
    text = LANGUAGE.read_text(encoding="utf-8")
    section = text[text.index("\n## Diagnostics\n") :]
    return _CODE_HEADING.findall(section)


# ---------------------------------------------------------------- sample plans


def test_the_samples_are_all_there_is() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.goal")) == sorted(SAMPLE_NAMES)


@pytest.mark.parametrize("name", SAMPLE_NAMES, ids=SAMPLE_IDS)
def test_sample_checks_without_errors_or_warnings(name: str) -> None:
    checked = check_plan(str(SAMPLES / name))
    assert [d.headline() for d in checked.diagnostics] == []
    assert checked.errors == ()
    assert checked.warnings == ()
    assert checked.plan is not None


@pytest.mark.parametrize("name", SAMPLE_NAMES, ids=SAMPLE_IDS)
def test_sample_is_in_canonical_layout(name: str) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    formatted = format_plan(text, name)
    assert formatted.diagnostics == ()
    assert formatted.text == text


@pytest.mark.parametrize("name", YEAR_SAMPLES, ids=YEAR_IDS)
def test_sample_plan_covers_a_year_in_shanghai_time(name: str) -> None:
    plan = check_plan(str(SAMPLES / name)).plan
    assert plan is not None
    assert (str(plan.info.period_start), str(plan.info.period_end)) == ("2026-01-01", "2026-12-31")
    assert plan.info.timezone == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("name", "period", "zone"),
    [
        ("zendesk.goal", ("2023-07-01", "2023-09-30"), "Europe/Berlin"),
        ("jira-service-management.goal", ("2023-07-01", "2023-09-30"), "America/New_York"),
    ],
    ids=FIELD_IDS,
)
def test_field_sample_covers_the_quarter_of_its_export_in_its_zone(
    name: str, period: tuple[str, str], zone: str
) -> None:
    plan = check_plan(str(SAMPLES / name)).plan
    assert plan is not None
    assert (str(plan.info.period_start), str(plan.info.period_end)) == period
    assert plan.info.timezone == zone


@pytest.mark.parametrize("name", SAMPLE_NAMES, ids=SAMPLE_IDS)
def test_every_goal_and_milestone_of_a_sample_serves_an_objective(name: str) -> None:
    plan = check_plan(str(SAMPLES / name)).plan
    assert plan is not None
    unserved = [d.id for d in (*plan.goals, *plan.milestones) if d.serves is None]
    assert unserved == []


def test_customer_support_sample_has_the_sources_and_indicators_the_data_will_feed() -> None:
    plan = check_plan(str(SAMPLES / "customer-support.goal")).plan
    assert plan is not None
    assert [(s.id, s.table_name, str(s.time)) for s in plan.sources] == [
        ("tickets", "tickets", "created_at"),
        ("surveys", "surveys", "answered_at"),
    ]
    indicators = {i.id: i for i in plan.indicators}
    assert list(indicators) == [
        "csat",
        "first_response",
        "urgent_response",
        "resolution_rate",
        "reopen_rate",
        "resolution_time",
        "office_resolution",
        "nps",
        "callback_rate",
        "resolved_count",
    ]
    assert indicators["nps"].recorded is True
    assert indicators["callback_rate"].recorded is True
    assert str(indicators["csat"].breakdown) == "channel"
    assert sorted({str(g.cycle) for g in plan.goals}) == [
        "daily",
        "monthly",
        "quarterly",
        "weekly",
    ]


def test_customer_support_sample_keeps_the_design_goals() -> None:
    plan = check_plan(str(SAMPLES / "customer-support.goal")).plan
    assert plan is not None
    quick = plan.get("quick_answer")
    assert isinstance(quick, m.Goal)
    assert [(t.text, str(t.start)) for t in quick.targets] == [
        ("<= 30", "None"),
        ("<= 20", "2026-07-01"),
    ]
    volume = plan.get("resolved_volume")
    assert isinstance(volume, m.Goal)
    assert volume.is_progress is True
    assert [t.text for t in (volume.warn, volume.critical) if t] == ["pace < 100", "pace < 80"]
    chatbot = plan.get("chatbot")
    assert isinstance(chatbot, m.Milestone)
    assert ([r.id for r in chatbot.after], str(chatbot.buffer)) == (["knowledge_base"], "14d")


def test_it_service_desk_sample_tracks_p1_and_p2_separately() -> None:
    plan = check_plan(str(SAMPLES / "it-service-desk.goal")).plan
    assert plan is not None
    assert [s.id for s in plan.sources] == ["incidents", "changes"]
    assert {t.id for t in plan.teams} == {"service_desk", "infrastructure", "cab"}
    by_priority = {
        i.id: i.measure.where.value.value
        for i in plan.indicators
        if isinstance(i.measure, m.Call)
        and isinstance(i.measure.where, m.Compare)
        and i.measure.where.column == "priority"
    }
    assert by_priority == {
        "p1_response": "P1",
        "p1_resolution": "P1",
        "p2_response": "P2",
        "p2_resolution": "P2",
    }
    major = plan.get("major_incident")
    assert isinstance(major, m.Runbook)
    assert len(major.steps) == 6


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("zendesk.goal", ("tickets", "Zendesk tickets", "Created at", [])),
        (
            "jira-service-management.goal",
            (
                "requests",
                "Jira issues",
                "Created",
                [("Created", "%d/%b/%y %I:%M %p"), ("Resolved", "%d/%b/%y %I:%M %p")],
            ),
        ),
    ],
    ids=FIELD_IDS,
)
def test_field_sample_reads_the_export_by_the_products_own_names(
    name: str, source: tuple[str, str, str, list[tuple[str, str]]]
) -> None:
    plan = check_plan(str(SAMPLES / name)).plan
    assert plan is not None
    assert [
        (s.id, s.table_name, str(s.time), [(str(f.column), f.format) for f in s.formats])
        for s in plan.sources
    ] == [source]
    assert len(plan.goals) >= 4
    assert {str(g.cycle) for g in plan.goals} == {"weekly", "monthly"}
    assert all(g.escalation is not None for g in plan.goals)


def test_chinese_sample_uses_chinese_identifiers() -> None:
    plan = check_plan(str(SAMPLES / "售后服务.goal")).plan
    assert plan is not None
    goal = plan.get("准时到达")
    assert isinstance(goal, m.Goal)
    assert (goal.title, str(goal.owner), str(goal.lead)) == ("按时上门", "李娜", "售后部")
    team = plan.get("售后部")
    assert isinstance(team, m.Team)
    assert team.title == "售后服务部"
    assert [(ms.id, str(ms.buffer)) for ms in plan.milestones] == [
        ("华东中心仓", "14d"),
        ("备件系统", "2w"),
        ("随车备件", "21d"),
        ("华南中心仓", "14d"),
    ]


# ---------------------------------------------------------------- the documents


def test_the_documents_have_goal_blocks() -> None:
    assert len(goal_blocks(LANGUAGE)) == 19
    assert len(goal_blocks(README)) == 1


@pytest.mark.parametrize(
    "document, line, text",
    DOC_BLOCKS,
    ids=[f"{document}:{line}" for document, line, _ in DOC_BLOCKS],
)
def test_goal_block_parses(document: str, line: int, text: str) -> None:
    parsed = parse_text(text, f"{document}:{line}")
    assert [p.headline() for p in parsed.problems] == []
    assert parsed.has_syntax_errors is False
    assert parsed.items != ()


def test_the_first_plan_of_the_reference_and_the_readme_tour_check_clean() -> None:
    for document in (LANGUAGE, README):
        _, _, text = goal_blocks(document)[0]
        checked = check_text(text, f"{document.name}.goal")
        assert [d.headline() for d in checked.diagnostics] == []
        assert format_plan(text, document.name).text == text


def test_a_broken_block_would_be_caught() -> None:
    """The block test can fail: a block with a typo in a keyword has a syntax error."""
    _, _, text = goal_blocks(README)[0]
    broken = text.replace("indicator   first_reply", "indicatr    first_reply")
    assert broken != text
    parsed = parse_text(broken, "README.md")
    assert parsed.has_syntax_errors is True
    assert [p.code for p in parsed.problems] == ["E101"]


def test_every_diagnostic_code_is_documented() -> None:
    in_source = codes_in_source()
    assert {"E101", "E204", "W403"} <= in_source  # the regex does find the codes
    documented = documented_codes()
    assert sorted(in_source - set(documented)) == []


def test_every_documented_code_exists_and_is_documented_once() -> None:
    documented = documented_codes()
    assert len(documented) == len(set(documented))
    assert sorted(set(documented) - codes_in_source()) == []
    assert documented == sorted(documented)


def test_every_documented_code_has_an_example_message_with_that_code() -> None:
    text = LANGUAGE.read_text(encoding="utf-8")
    section = text[text.index("\n## Diagnostics\n") :]
    parts = re.split(r"^### ", section, flags=re.M)[1:]
    for part in parts:
        code = part.split(" ", 1)[0]
        examples = re.findall(r"^```text\n(.*?)^```$", part, re.M | re.S)
        assert examples, code
        # A file that cannot be read is reported as `goalline: error: ...`, without a code.
        shown = "goalline: error: " if code == "E100" else f"[{code}]"
        assert shown in examples[0], code


# ---------------------------------------------------------------- example messages
#
# The small bad plans behind the examples of the Diagnostics section. Each is laid out by
# `goalline fmt` (when it parses) and checked as `goalline check plan.goal` in an empty
# folder; the one line of the output that carries the case's code must appear, word for
# word, in docs/language.md. (E900 cannot be produced: it guards against a formatter bug.)

HEADER = """\
plan "Help desk 2026" {
  period  2026-01-01 .. 2026-12-31
}

person ann "Ann Lee"
team desk "Help Desk" { lead ann }
objective happy "Customers get help fast"
source tickets "Tickets" { time created_at }

indicator speed "First response" {
  kind     process
  unit     "min"
  better   lower
  measure  p90(tickets.first_response_min)
}

"""


def _block(header: str, lines: tuple[str, ...]) -> str:
    return header + " {\n" + "".join(f"  {line}\n" for line in lines) + "}\n"


def _goal(*lines: str, drop: tuple[str, ...] = ()) -> str:
    usual = ("serves happy", "indicator speed", "cycle weekly", "owner ann", "lead desk")
    kept = tuple(line for line in usual if line.split()[0] not in drop)
    return HEADER + _block('goal fast "Answer fast"', kept + lines)


def _indicator(*lines: str, name: str = "x", title: str = "Handling time") -> str:
    return HEADER + _block(f'indicator {name} "{title}"', lines)


def _measure(expression: str) -> str:
    return _indicator("kind kpi", 'unit "min"', "better lower", f"measure {expression}")


MESSAGE_CASES: dict[str, tuple[str, str | bytes | None, dict[str, str]]] = {
    "E100-missing": ("E100", None, {}),
    "E100-not-utf8": ("E100", b'plan "P\xe9" { period 2026-01-01 .. 2026-12-31 }\n', {}),
    "E101-attribute": ("E101", HEADER + 'goal fast "Answer fast" {\n  indicatr  speed\n}\n', {}),
    "E101-declaration": ("E101", HEADER + 'gaol fast "Answer fast" { owner ann }\n', {}),
    "E101-string": ("E101", HEADER + 'goal fast "Answer fast {\n  owner ann\n}\n', {}),
    "E101-end": ("E101", HEADER + 'goal fast "Answer fast" {\n  owner ann\n', {}),
    "E101-duration": (
        "E101",
        HEADER + 'milestone m "Go live" {\n  due     2026-03-01\n  buffer  2x\n}\n',
        {},
    ),
    "E101-operator": ("E101", _goal("target     => 30"), {}),
    "E101-percent": ("E101", _goal("target     <= 30%"), {}),
    "E101-wrong-block": (
        "E101",
        HEADER + 'milestone m "Go live" {\n  due   2026-03-01\n  with  desk\n}\n',
        {},
    ),
    "E102-escape": ("E102", HEADER + 'objective calm "Stay \\calm"\n', {}),
    "E102-date": (
        "E102",
        HEADER + 'milestone m "Go live" {\n  due    2026-02-30\n  owner  ann\n}\n',
        {},
    ),
    "E102-whole": (
        "E102",
        _indicator("kind      kpi", 'unit      "min"', "better    lower", "decimals  1.5"),
        {},
    ),
    "E103-missing": ("E103", HEADER + 'include "shared/people.goal"\n', {}),
    "E103-cycle": (
        "E103",
        HEADER + 'include "shared.goal"\n',
        {"shared.goal": 'include "plan.goal"\n'},
    ),
    "E201": ("E201", HEADER + 'person ann "Ann Lee-Smith"\n', {}),
    "E202-period": ("E202", 'plan "Help desk 2026" {\n  timezone  "Europe/Berlin"\n}\n', {}),
    "E202-source": ("E202", HEADER + 'source surveys "Surveys" { table survey_rows }\n', {}),
    "E202-target": ("E202", _goal(), {}),
    "E203": ("E203", _goal("target     <= 30", "owner      desk"), {}),
    "E204": (
        "E204",
        _goal("target      <= 30", "escalation  standrad")
        + '\nescalation standard "Standard" { when breached notify owner }\n',
        {},
    ),
    "E205": ("E205", _goal("target     <= 30", "owner      desk", drop=("owner",)), {}),
    "E206-none": ("E206", 'person ann "Ann Lee"\n', {}),
    "E206-two": ("E206", HEADER + 'plan "Again" {\n  period  2026-01-01 .. 2026-06-30\n}\n', {}),
    "E301": (
        "E301",
        HEADER + 'milestone m "Go live" {\n  due    2027-01-31\n  owner  ann\n}\n',
        {},
    ),
    "E302": ("E302", 'plan "Help desk 2026" {\n  period  2026-12-31 .. 2026-01-01\n}\n', {}),
    "E303": (
        "E303",
        'plan "Help desk 2026" {\n  period    2026-01-01 .. 2026-12-31\n'
        '  timezone  "Asia/Shangai"\n}\n',
        {},
    ),
    "E304-target": ("E304", _goal("target     >= 30"), {}),
    "E304-warn": ("E304", _goal("target     <= 30", "warn       < 25"), {}),
    "E305": ("E305", _goal("target     <= 30", "warn       pace > 110"), {}),
    "E307-mix": ("E307", _goal("target     <= 30", "target     <= 1000 by 2026-06-30"), {}),
    "E307-same-start": ("E307", _goal("target     <= 30", "target     <= 25"), {}),
    "E307-range": ("E307", _goal("target     between 30 and 20"), {}),
    "E307-window": (
        "E307",
        _indicator(
            "kind result", 'unit "tickets"', "better higher", "measure count(tickets)", name="n"
        )
        + _block(
            '\ngoal many "Solve 10,000 tickets"',
            ("serves happy", "indicator n", "cycle monthly", "owner ann"),
        ).replace("}\n", "  target     >= 10_000 by 2026-12-31\n  window     28d\n}\n"),
        {},
    ),
    "E310-column": ("E310", _measure("tickets.handling_min"), {}),
    "E310-row": ("E310", _measure("minutes_between(tickets.created_at, tickets.closed_at)"), {}),
    "E310-source": ("E310", _measure("mean(tickets)"), {}),
    "E310-arguments": ("E310", _measure("mean(tickets.handling_min, tickets.wrap_up_min)"), {}),
    "E310-columns": ("E310", _measure("mean(minutes_between(tickets.created_at))"), {}),
    "E310-source-in-row": ("E310", _measure("mean(tickets.handling_min + tickets)"), {}),
    "E310-bare-source": ("E310", _measure("100 * tickets"), {}),
    "E310-other-name": ("E310", _measure("speed * 60"), {}),
    "E311-function": ("E311", _measure("total(tickets.handling_min)"), {}),
    "E311-aggregate": (
        "E311",
        _indicator("kind kpi", 'unit "min"', "better lower", "aggregate average"),
        {},
    ),
    "E312": (
        "E312",
        HEADER.replace("\nindicator", 'source calls "Phone calls" { time started_at }\n\nindicator')
        + _block(
            'indicator x "Handling time"',
            ("kind kpi", 'unit "min"', "better lower"),
        ).replace("}\n", "  measure mean(tickets.handling_min + calls.talk_min)\n}\n"),
        {},
    ),
    "E313": ("E313", _measure("max(mean(tickets.handling_min))"), {}),
    "E314-aggregate": (
        "E314",
        _indicator(
            "kind kpi", 'unit "min"', "better lower", "aggregate last", "measure count(tickets)"
        ),
        {},
    ),
    "E314-breakdown": (
        "E314",
        _indicator("kind kpi", 'unit "min"', "better lower", "breakdown channel"),
        {},
    ),
    "E320": (
        "E320",
        HEADER + 'milestone portal "Open the self-service portal" {\n  due         2026-03-01\n'
        "  owner       ann\n  escalation  standard\n}\n\n"
        'escalation standard "Standard" {\n  when breached  notify owner\n'
        "  when overdue   notify owner\n}\n",
        {},
    ),
    "E321-no-lead-team": (
        "E321",
        _goal("target      <= 30", "escalation  team_up", drop=("lead",))
        + '\nescalation team_up "Tell the team" { when breached notify lead }\n',
        {},
    ),
    "E321-team-without-lead": (
        "E321",
        HEADER + 'team ops "Operations"\n\nescalation loud "Loud" { when critical notify ops }\n',
        {},
    ),
    "E322": (
        "E322",
        HEADER + 'milestone portal "Open the portal" {\n  due    2026-03-01\n  owner  ann\n'
        "  after  training\n}\n\n"
        'milestone training "Train the agents" {\n  due    2026-04-01\n  owner  ann\n'
        "  after  portal\n}\n",
        {},
    ),
    "E330-weight": ("E330", _goal("target     <= 30", "weight     0"), {}),
    "E330-every": (
        "E330",
        _goal("target     <= 30", drop=("cycle",)).replace(
            "  lead desk\n", "  lead desk\n  cycle      every 0 weeks\n"
        ),
        {},
    ),
    "E330-trigger": (
        "E330",
        HEADER + 'escalation nudge "Nudge" { when breached 0 times notify owner }\n',
        {},
    ),
    "E330-window": ("E330", _goal("target     <= 30", "window     0d"), {}),
    "E330-decimals": (
        "E330",
        _indicator("kind kpi", 'unit "min"', "better lower", "decimals 12", "measure count(x)"),
        {},
    ),
    "E330-buffer": (
        "E330",
        HEADER + 'milestone m "Go live" {\n  due     2026-03-01\n  owner   ann\n  buffer  36h\n}\n',
        {},
    ),
    "E340-day": (
        "E340",
        HEADER + 'calendar office "Office" {\n  open  mon-fir 09:00-17:00\n}\n',
        {},
    ),
    "E340-hours": ("E340", HEADER + 'calendar office "Office" {\n  open  sat 18:00-10:00\n}\n', {}),
    "W410-overlap": (
        "W410",
        HEADER
        + 'calendar office "Office" {\n  open  mon 09:00-12:30\n  open  mon 12:00-14:00\n}\n',
        {},
    ),
    "W410-closed": (
        "W410",
        HEADER
        + 'calendar office "Office" {\n  open    2026-12-24 09:00-13:00\n'
        + '  closed  2026-12-24 .. 2026-12-26 "Christmas"\n}\n',
        {},
    ),
    "W411": (
        "W411",
        HEADER
        + 'calendar office "Office" {\n  open    mon-fri 09:00-17:00\n'
        + '  closed  2027-05-01 "Labour Day"\n}\n',
        {},
    ),
    "W412": ("W412", HEADER + 'calendar night "Night watch"\n', {}),
    "E202-exclude": ("E202", HEADER + 'exclude move "Office move" { from 2026-06-01 }\n', {}),
    "E341-reversed": (
        "E341",
        HEADER + 'exclude move "Office move" {\n  from  2026-06-08 18:00\n  to    2026-06-01\n}\n',
        {},
    ),
    "E341-day": ("E341", HEADER + 'exclude backup "Backups" { every sunday 02:00-04:00 }\n', {}),
    "E341-hours": ("E341", HEADER + 'exclude backup "Backups" { every sat 22:00-02:00 }\n', {}),
    "W414": (
        "W414",
        HEADER + 'exclude move "Office move" {\n  from  2025-06-01\n  to    2025-06-07\n}\n',
        {},
    ),
    "W401": (
        "W401",
        HEADER
        + _block(
            "goal fast",
            ("serves happy", "indicator speed", "cycle weekly", "owner ann", "target <= 30"),
        ),
        {},
    ),
    "W402": (
        "W402",
        _indicator(
            "kind result", "better higher", "measure count(tickets)", name="solved", title="Solved"
        ),
        {},
    ),
    "W403": ("W403", _goal("target     <= 30", "warn       > 35", "critical   > 60"), {}),
    "W405": ("W405", _goal("target     <= 30", drop=("serves",)), {}),
    "W406": (
        "W406",
        _goal("target <= 30") + 'objective cheap "Keep the cost per ticket low"\n',
        {},
    ),
}


def _output_lines(code: str, text: str | bytes | None, files: dict[str, str]) -> list[str]:
    if isinstance(text, bytes):
        Path("plan.goal").write_bytes(text)
    elif text is not None:
        # Plans that parse are checked in the canonical layout, as the examples show them.
        formatted = format_plan(text, "plan.goal").text
        Path("plan.goal").write_text(formatted or text, encoding="utf-8")
    for name, content in files.items():
        Path(name).write_text(content, encoding="utf-8")
    result = goalline("check", "plan.goal")
    return [
        line
        for line in result.output.splitlines()
        if line.endswith(f"[{code}]") or (code == "E100" and line.startswith("goalline: error:"))
    ]


@pytest.mark.parametrize("case", list(MESSAGE_CASES))
def test_example_message_is_what_goalline_check_prints(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, text, files = MESSAGE_CASES[case]
    monkeypatch.chdir(tmp_path)
    lines = _output_lines(code, text, files)
    assert len(lines) == 1, lines
    documented = LANGUAGE.read_text(encoding="utf-8").splitlines()
    assert lines[0] in documented


def test_every_code_has_an_example_case() -> None:
    cased = {code for code, _, _ in MESSAGE_CASES.values()}
    # E401-E403, W404, W407-W409, W413 and W415 need a store: tests/cli_tests/test_check_db.py
    # checks their examples; E404's are checked by tests/cli_tests/test_files_in_place.py.
    assert sorted(codes_in_source() - cased) == [
        *("E401", "E402", "E403", "E404", "E900", "W404", "W407", "W408", "W409", "W413"),
        "W415",
    ]
