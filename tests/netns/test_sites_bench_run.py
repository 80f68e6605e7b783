"""``bench-netns --routers 3`` for real, briefly: two paths, one second per run."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.cli.main import main
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB


@pytest.fixture
def sigterm_restored() -> Iterator[None]:
    """A benchmark makes SIGTERM unwind like Ctrl-C; the test process gets its own handling back."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.usefixtures("sigterm_restored")
def test_three_routers_print_every_pair_and_the_total_beside_two_routers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["bench-netns", "--routers", "3", "--paths", "2", "--rate-mbit", "50", "--seconds", "1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "bench-netns-3-routers.csv",
        "bench-netns-3-routers.md",
        "bench-netns-3-routers.png",
    ]
    table = out[out.index("Two routers (r1 -> r2, alone) beside 3 routers") :]
    assert table == (tmp_path / "bench-netns-3-routers.md").read_text()
    pairs = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| r")]
    assert pairs == ["| r1 -> r2", "| r1 -> r3", "| r2 -> r1", "| r2 -> r3", "| r3 -> r1", "| r3 -> r2"]
    # Every router sending to both others over two 50 Mbit/s paths moves more than one path per router could.
    csv = (tmp_path / "bench-netns-3-routers.csv").read_text().splitlines()
    [total_k2] = [line for line in csv if line.startswith("3,2,") and ",all,all," in line]
    assert float(total_k2.split(",")[6]) > 3 * 50
