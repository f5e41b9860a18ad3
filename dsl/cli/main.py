"""The `goalline` command: headless subcommands for people, scripts and CI.

Data goes to standard output, problems to standard error as `goalline: error: ...`, and the
exit code says what happened (`Exit`). This is the one place where errors become messages:
a `GoallineError` raised anywhere below a command (the store's, the import's, the
configuration's, or `stop()`'s) is told here, one line per problem, never as a traceback.

Heavy modules (the parser, the store, the terminal UI) are imported inside the commands
that need them, so `goalline --help` starts fast.
"""

from __future__ import annotations

import sys

import click

from ..errors import Exit, GoallineError
from .common import fail
from .data import done, import_, record
from .demo import demo
from .evaluate import evaluate, explain
from .language import check, fmt
from .learn import backtest, suggest
from .notify import ack, init, notify, outbox
from .review import review
from .rounds import diff, next_round
from .watch import digest, watch

__all__ = ["Exit", "cli", "main"]


class Goalline(click.Group):
    """The command group, and the one error edge of every subcommand under it."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except GoallineError as problem:
            for line in str(problem).splitlines() or [type(problem).__name__]:
                fail(line)
            ctx.exit(problem.exit_code)


@click.group(cls=Goalline, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="goalline", message="goalline %(version)s")
def cli() -> None:
    """goalline: set service goals, track them cycle by cycle, and learn from each round."""


for command in (
    *(check, fmt, import_, record, done, evaluate, explain, suggest, backtest, next_round, diff),
    *(review, demo),
    *(init, notify, outbox, ack, digest, watch),
):
    cli.add_command(command)


def main() -> None:
    """The console script: usage errors as `goalline: error: ...`, and never a traceback."""
    try:
        code = cli.main(prog_name="goalline", standalone_mode=False)
    except click.UsageError as exc:
        usage = exc.ctx.get_usage() + "\n" if exc.ctx else ""
        click.echo(f"{usage}goalline: error: {exc.format_message()}", err=True)
        sys.exit(Exit.CANNOT_RUN)
    except click.ClickException as exc:
        fail(exc.format_message())
        sys.exit(Exit.CANNOT_RUN)
    except click.Abort:
        fail("interrupted")
        sys.exit(Exit.CANNOT_RUN)
    except Exception as exc:  # the last guard; every known failure is handled before this
        fail(f"internal error: {exc!r}; please report it")
        sys.exit(Exit.CANNOT_RUN)
    sys.exit(code if isinstance(code, int) else Exit.OK)
