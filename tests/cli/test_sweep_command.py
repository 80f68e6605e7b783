"""`python -m components sweep`: its arguments, and how it treats interrupts while K is put back."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.cli.main import build_parser, main
from components.cli.sweep import interrupts_deferred
from tests.support.closed_stack import REFUSED, deployed_on_closed_ports


def test_command_line_defaults_are_the_reference_test() -> None:
    args = build_parser().parse_args(["sweep", "--stack", "gk41"])
    assert (args.stack, args.flows, args.seconds, args.port, args.netns) == ("gk41", 16, 10, 5201, False)


def test_command_line_needs_a_stack_or_the_namespace_lab(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["sweep"])
    assert "one of the arguments --stack --netns is required" in capsys.readouterr().err


@pytest.fixture
def interrupts_raise() -> Iterator[None]:
    """SIGINT and SIGTERM as an interactive run has them, whatever this process inherited: a background job
    starts with SIGINT ignored, and Python then installs no handler of its own."""
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@pytest.mark.usefixtures("interrupts_raise")
def test_while_restoring_a_first_interrupt_only_warns_and_a_second_one_abandons() -> None:
    shown: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts_deferred(shown.append):
        signal.raise_signal(signal.SIGINT)
        assert len(shown) == 1
        assert shown[0].startswith("restoring the original K; interrupt again to abandon it")
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler


@pytest.fixture
def unreachable_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """gk41 deployed on routers that refuse every connection; the SIGTERM handling the verb installs is undone afterwards."""
    with deployed_on_closed_ports(monkeypatch, "components.cli.sweep.select_lab_stack"):
        yield


@pytest.mark.usefixtures("unreachable_stack")
def test_a_sweep_of_routers_that_do_not_answer_names_them_and_leaves_k_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # ClosedPortStack has no set_config: a sweep that went on to change K would fail with a traceback instead.
    assert main(["sweep", "--stack", "gk41", "--out", str(tmp_path / "sweep")]) == 3
    out, err = capsys.readouterr()
    assert (out, sorted(err.splitlines())) == ("", sorted([*REFUSED, "sweep: nothing measured and K left as it is"]))
    assert not (tmp_path / "sweep").exists()
