"""Session-wide settings for the test suite: how tests share the machine when run in parallel, and reporting."""

from __future__ import annotations

from pathlib import Path

import pytest

# Tests of these tiers change state this host shares (network namespaces and its socket limits; the
# Pulumi CLI's files under the home directory): run in parallel (`make unit`, `make offline`:
# pytest-xdist, --dist loadgroup), each tier goes to one worker, one test at a time, as without xdist.
SERIAL_TIERS = ("netns", "engine")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # First, so that xdist sees the groups when it names each test after its group.
    for item in items:
        tiers = [tier for tier in SERIAL_TIERS if item.get_closest_marker(tier)]
        if tiers:
            item.add_marker(pytest.mark.xdist_group(tiers[0]))
        elif not item.get_closest_marker("xdist_group"):
            # Any other test goes with the rest of its module, unless its module groups its tests
            # itself: what a module builds once (plans, offline runs) is then built by one worker only.
            item.add_marker(pytest.mark.xdist_group(Path(item.path).stem))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # CI wants to see what the engine tier costs.
    engine = [
        report for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed") if "engine" in report.keywords
    ]
    if engine:
        seconds = sum(report.duration for report in engine)
        terminalreporter.write_line(f"engine tests: {len(engine)} took {seconds:.1f} s")
