"""Session-wide reporting for the test suite."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # CI wants to see what the engine tier costs.
    engine = [
        report for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed") if "engine" in report.keywords
    ]
    if engine:
        seconds = sum(report.duration for report in engine)
        terminalreporter.write_line(f"engine tests: {len(engine)} took {seconds:.1f} s")
