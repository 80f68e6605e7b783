"""`sweep --from/--to/--all-pairs`: which pairs a sweep measures, refused with the flag, the value and the
lab's routers before anything runs."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from components.cli import sweep
from components.cli.main import build_parser, main

SITES = ("hq", "br1", "br2")


def parsed(*flags: str) -> argparse.Namespace:
    return build_parser().parse_args(["sweep", "--stack", "gk41-sites", *flags])


def refusal(*flags: str, routers: tuple[str, ...] = SITES) -> str:
    with pytest.raises(sweep.PairChoiceError) as refused:
        sweep.chosen_pairs(parsed(*flags), routers, "stack gk41-sites")
    return str(refused.value)


@pytest.fixture
def no_lab_may_be_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A refused choice must come before the namespace lab is even checked for, let alone built."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lab was touched before the pairs were checked")

    monkeypatch.setattr(sweep, "netns_lab", forbidden)
    monkeypatch.setattr(sweep, "missing_requirements", forbidden)
    yield


def test_by_default_no_pair_is_named() -> None:
    args = parsed()
    assert (args.sender, args.receiver, args.all_pairs) == (None, None, False)


def test_a_two_router_lab_measures_its_first_router_to_its_second_by_default() -> None:
    assert sweep.chosen_pairs(parsed(), ("r1", "r2"), "stack gk41") == (("r1", "r2"),)


def test_from_and_to_name_the_one_pair() -> None:
    assert sweep.chosen_pairs(parsed("--from", "br2", "--to", "hq"), SITES, "stack gk41-sites") == (("br2", "hq"),)


def test_all_pairs_is_every_router_sending_to_every_other() -> None:
    assert sweep.chosen_pairs(parsed("--all-pairs"), SITES, "stack gk41-sites") == (
        ("hq", "br1"),
        ("hq", "br2"),
        ("br1", "hq"),
        ("br1", "br2"),
        ("br2", "hq"),
        ("br2", "br1"),
    )


def test_a_lab_of_three_routers_needs_a_pair_or_all_pairs() -> None:
    assert refusal() == (
        "stack gk41-sites has 3 routers (hq, br1, br2): name the pair to measure with --from NAME --to NAME, "
        "or measure every pair at once with --all-pairs"
    )


def test_a_sender_that_is_not_a_router_of_the_lab_is_named_with_its_flag() -> None:
    assert refusal("--from", "br3", "--to", "hq") == "--from br3: stack gk41-sites has no router 'br3'; its routers are hq, br1, br2"


def test_a_receiver_that_is_not_a_router_of_the_lab_is_named_with_its_flag() -> None:
    assert refusal("--from", "hq", "--to", "HQ") == "--to HQ: stack gk41-sites has no router 'HQ'; its routers are hq, br1, br2"


def test_a_router_cannot_measure_itself() -> None:
    assert refusal("--from", "br1", "--to", "br1") == "--from and --to both name br1: a pair is two different routers"


def test_from_needs_to() -> None:
    assert refusal("--from", "hq") == "--from hq needs --to NAME as well: the router that receives"


def test_to_needs_from() -> None:
    assert refusal("--to", "hq") == "--to hq needs --from NAME as well: the router that sends"


def test_all_pairs_conflicts_with_from() -> None:
    assert refusal("--all-pairs", "--from", "hq", "--to", "br1") == (
        "--all-pairs measures every pair at once and cannot be combined with --from"
    )


def test_all_pairs_conflicts_with_to() -> None:
    assert refusal("--all-pairs", "--to", "br1") == "--all-pairs measures every pair at once and cannot be combined with --to"


@pytest.mark.usefixtures("no_lab_may_be_built")
def test_the_namespace_lab_refuses_a_router_it_does_not_have_before_anything_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--netns", "--from", "r1", "--to", "r3"]) == 2
    assert capsys.readouterr().err == "error: --to r3: the network-namespace lab has no router 'r3'; its routers are r1, r2\n"


@pytest.mark.usefixtures("no_lab_may_be_built")
def test_the_namespace_lab_refuses_all_pairs_with_from_before_anything_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--netns", "--all-pairs", "--from", "r1"]) == 2
    assert capsys.readouterr().err == "error: --all-pairs measures every pair at once and cannot be combined with --from\n"


def test_the_default_pair_is_named_in_the_reports_name_like_any_other() -> None:
    assert sweep.report_name("sweep-gk41", [("r1", "r2")], ("r1", "r2")) == "sweep-gk41-r1-to-r2"


def test_another_pair_is_named_in_the_reports_name() -> None:
    assert sweep.report_name("sweep-gk41", [("r2", "r1")], ("r1", "r2")) == "sweep-gk41-r2-to-r1"


def test_all_pairs_are_named_in_the_reports_name() -> None:
    pairs = [(sender, receiver) for sender in SITES for receiver in SITES if sender != receiver]
    assert sweep.report_name("sweep-gk41-sites", pairs, SITES) == "sweep-gk41-sites-all-pairs"
