"""A goal's value per cycle, drawn with its target and thresholds (plotext, through
textual-plotext, imported when the first chart is shown: it costs 0.15 s at start-up)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Container

from dsl.api import GoalResult

LINE_COLOURS = {"target": "blue", "warn": "orange", "critical": "red"}
# Each line drawn in its own character and named at its left end, so that it reads without
# colour and no legend box covers the lines.
LINE_MARKERS = {"target": "=", "warn": "-", "critical": "x"}


class GoalChart(Container):
    """Values as a line with points; the target in force and the thresholds as lines, each
    in its own character and named where it starts."""

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield PlotextPlot()

    def show(self, result: GoalResult, lines: dict[str, list[float | None]]) -> None:
        from textual_plotext import PlotextPlot

        plot = self.query_one(PlotextPlot)
        plt: Any = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [c.start.strftime("%m-%d") for c in result.cycles]
        xs = list(range(1, len(result.cycles) + 1))
        for name, values in lines.items():
            points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
            if points:
                colour = LINE_COLOURS[name]
                plt.plot(*zip(*points, strict=True), marker=LINE_MARKERS[name], color=colour)
                plt.text(name, *points[0], color=colour, alignment="left")
        points = [
            (x, c.value) for x, c in zip(xs, result.cycles, strict=True) if c.value is not None
        ]
        if points:
            plt.plot(*zip(*points, strict=True), marker="●", color="green")
        step = -(-len(xs) // 6)  # at most six labels: plotext drops those that would touch
        plt.xticks(xs[::step], labels[::step])
        unit = f" ({result.unit})" if result.unit else ""
        plt.title(f"{result.id}{unit}")
        plot.refresh()
