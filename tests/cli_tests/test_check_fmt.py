"""`goalline check` and `goalline fmt` as a user runs them: output, files and exit codes."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

from dsl.cli.main import Exit

from ..helpers import DESIGN_EXAMPLE, FIXTURES, goalline

FORMAT = FIXTURES / "format"

VALID = """\
plan "Small" {
  period  2026-01-01 .. 2026-12-31
}

person ann "Ann"
objective fast "Fast answers"

indicator answer "Answer time" {
  kind     process
  unit     "min"
  better   lower
  measure  mean(calls.wait_min)
}

source calls "Calls" { time started_at }

goal quick "Answer quickly" {
  indicator  answer
  target     <= 5
  cycle      weekly
  owner      ann
  serves     fast
}
"""


def test_check_a_clean_plan_says_ok(workdir: Path) -> None:
    (workdir / "small.goal").write_text(VALID, encoding="utf-8")
    result = goalline("check", "small.goal")
    assert result.exit_code == Exit.OK
    assert result.output == "small.goal: ok\n"


def test_check_prints_each_problem_with_place_source_line_and_caret(workdir: Path) -> None:
    bad = VALID.replace("owner      ann", "owner      anne").replace("<= 5", ">= 5")
    (workdir / "bad.goal").write_text(bad, encoding="utf-8")
    result = goalline("check", "bad.goal")
    assert result.exit_code == Exit.FOUND
    assert result.output == (
        "bad.goal:19:3: error: target >= 5 contradicts 'better lower' of indicator 'answer':"
        " use <= or < [E304]\n"
        "    target     >= 5\n"
        "    ^\n"
        "bad.goal:21:14: error: unknown person 'anne' (did you mean 'ann'?) [E204]\n"
        "    owner      anne\n"
        "               ^\n"
        "bad.goal: 2 errors\n"
    )


def test_warnings_pass_unless_strict(workdir: Path) -> None:
    (workdir / "w.goal").write_text(VALID.replace('unit     "min"\n', ""), encoding="utf-8")
    relaxed = goalline("check", "w.goal")
    assert relaxed.exit_code == Exit.OK
    assert relaxed.output.splitlines()[-1] == "w.goal: ok (1 warning)"
    strict = goalline("check", "--strict", "w.goal")
    assert strict.exit_code == Exit.FOUND
    assert strict.output.splitlines()[-1] == "w.goal: 1 warning"


def test_check_a_missing_file_cannot_run(workdir: Path) -> None:
    result = goalline("check", "nowhere.goal")
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.stderr == "goalline: error: cannot read nowhere.goal: No such file or directory\n"
    assert result.stdout == ""


def test_check_reads_standard_input(workdir: Path) -> None:
    result = goalline("check", "-", input=VALID.replace("ann", "bob"))
    assert result.exit_code == Exit.OK
    assert result.output == "<stdin>: ok\n"


def test_check_several_files_reports_the_worst(workdir: Path) -> None:
    (workdir / "good.goal").write_text(VALID, encoding="utf-8")
    (workdir / "broken.goal").write_text("goal {", encoding="utf-8")
    result = goalline("check", "good.goal", "broken.goal")
    assert result.exit_code == Exit.FOUND
    assert "good.goal: ok\n" in result.output
    assert "broken.goal: 1 error\n" in result.output


def test_check_summary_gives_an_overview() -> None:
    result = goalline("check", "--summary", str(DESIGN_EXAMPLE))
    assert result.exit_code == Exit.OK
    overview = result.output[result.output.index("Customer Support 2026") :]
    assert overview == (
        "Customer Support 2026\n"
        "  period 2026-01-01 .. 2026-12-31, time zone Asia/Shanghai, reviewed monthly\n"
        "  3 goals, 5 indicators, 1 milestone, 3 people, 2 teams\n"
        "\n"
        "Goals\n"
        "  goal             target                cycle    owner      lead\n"
        "  satisfied        >= 90%                monthly  wang_fang  support\n"
        "  quick_answer     <= 30 min             weekly   zhao_lei   support\n"
        "                   <= 20 min from 07-01\n"
        "  resolved_volume  >= 20_000 by 12-31    monthly  wang_fang  support\n"
        "\n"
        "Milestones\n"
        "  milestone  due         buffer  owner     after\n"
        "  chatbot    2026-05-31  14d     zhao_lei  -\n"
    )


def test_check_summary_lists_the_calendars(workdir: Path) -> None:
    (workdir / "office.goal").write_text(
        'plan "Desk" { period 2026-01-01 .. 2026-12-31  timezone "Europe/Berlin" }\n'
        'calendar office "Office" {\n  open mon-fri 09:00-12:30, 13:30-18:00\n'
        '  open sat 10:00-14:00\n  closed 2026-12-24 .. 2026-12-26 "Christmas"\n'
        "  closed 2026-05-01\n}\n"
        'calendar watch "Watch" { timezone "UTC" open sun 01:00-04:00 }\n',
        encoding="utf-8",
    )
    result = goalline("check", "--summary", "office.goal")
    assert result.output.endswith(
        "Calendars\n"
        "  calendar  time zone      open                                           closed\n"
        "  office    Europe/Berlin  mon-fri 09:00-12:30, 13:30-18:00; sat 10:00-\u2026  4 days\n"
        "  watch     UTC            sun 01:00-04:00                                -\n"
    )  # 80 columns: the widest column is cut


def test_fmt_rewrites_a_file_in_place(workdir: Path) -> None:
    shutil.copy(FORMAT / "messy.goal", workdir / "messy.goal")
    result = goalline("fmt", "messy.goal")
    assert result.exit_code == Exit.OK
    expected = (FORMAT / "messy.expected.goal").read_text(encoding="utf-8")
    assert (workdir / "messy.goal").read_text(encoding="utf-8") == expected
    assert list(workdir.iterdir()) == [workdir / "messy.goal"]  # no temporary file left


def test_fmt_keeps_the_plans_mode_and_group(workdir: Path) -> None:
    plan = workdir / "messy.goal"
    shutil.copy(FORMAT / "messy.goal", plan)
    plan.chmod(0o664)  # shared with a `watch` service running as another user of the group
    group = plan.stat().st_gid
    assert goalline("fmt", "messy.goal").exit_code == Exit.OK
    assert plan.read_text(encoding="utf-8") == (FORMAT / "messy.expected.goal").read_text(
        encoding="utf-8"
    )
    assert (stat.S_IMODE(plan.stat().st_mode), plan.stat().st_gid) == (0o664, group)


def test_fmt_formats_the_target_of_a_linked_plan_and_keeps_the_link(workdir: Path) -> None:
    (workdir / "plans").mkdir()
    real = workdir / "plans" / "messy.goal"
    shutil.copy(FORMAT / "messy.goal", real)
    (workdir / "messy.goal").symlink_to(real)
    result = goalline("fmt", "messy.goal")
    assert (result.exit_code, result.stderr) == (Exit.OK, "reformatted messy.goal\n")
    assert (workdir / "messy.goal").is_symlink()
    assert real.read_text(encoding="utf-8") == (FORMAT / "messy.expected.goal").read_text(
        encoding="utf-8"
    )
    assert sorted(p.name for p in (workdir / "plans").iterdir()) == ["messy.goal"]


def test_fmt_check_reports_without_writing(workdir: Path) -> None:
    shutil.copy(FORMAT / "messy.goal", workdir / "messy.goal")
    shutil.copy(FORMAT / "messy.expected.goal", workdir / "tidy.goal")
    before = (workdir / "messy.goal").read_bytes()
    result = goalline("fmt", "--check", "messy.goal", "tidy.goal")
    assert result.exit_code == Exit.FOUND
    assert result.output == "would reformat messy.goal\n"
    assert (workdir / "messy.goal").read_bytes() == before
    assert goalline("fmt", "--check", "tidy.goal").exit_code == Exit.OK


def test_fmt_diff_prints_the_change(workdir: Path) -> None:
    (workdir / "p.goal").write_text('person a   "A"\n', encoding="utf-8")
    result = goalline("fmt", "--diff", "p.goal")
    assert result.exit_code == Exit.FOUND
    assert '-person a   "A"\n+person a "A"\n' in result.output
    assert (workdir / "p.goal").read_text(encoding="utf-8") == 'person a   "A"\n'


def test_fmt_standard_input_to_standard_output() -> None:
    result = goalline("fmt", "-", input='person   a "A"  {email "a@x"}\n')
    assert result.exit_code == Exit.OK
    assert result.output == 'person a "A" { email "a@x" }\n'


def test_fmt_refuses_a_plan_that_does_not_parse(workdir: Path) -> None:
    (workdir / "bad.goal").write_text("goal g { cycle montly }\n", encoding="utf-8")
    result = goalline("fmt", "bad.goal")
    assert result.exit_code == Exit.CANNOT_RUN
    assert "bad.goal:1:16: error: unexpected 'montly' (did you mean 'monthly'?)" in result.output
    assert (workdir / "bad.goal").read_text(encoding="utf-8") == "goal g { cycle montly }\n"


def test_version() -> None:
    result = goalline("--version")
    assert result.exit_code == 0
    assert result.output == "goalline 0.1.0\n"
