"""`python -m components`: one module per verb, put together in one parser; the stack arguments alike everywhere."""

from __future__ import annotations

import re
import shlex
import signal
from collections.abc import Iterator

import pytest

from components.cli.lab_guards import run_benchmark
from components.cli.main import VERBS, Verb, build_parser, main
from components.netns.bfd_failover import DEFAULT_FLOWS
from components.stack.files import PROJECT_DIR

STACK_VERBS = ("plan", "diff", "graph", "validate", "status", "collect", "connect", "sweep")
REQUIRED = {"diff": ["--before", "main"], "connect": ["r1"]}


def test_every_verb_module_is_a_command_listed_in_the_help() -> None:
    names = [
        "plan",
        "diff",
        "graph",
        "init",
        "bench-plan",
        "bench-netns",
        "bench-validate",
        "bfd-failover",
        "sweep",
        "validate",
        "status",
        "collect",
        "connect",
        "config-reference",
        "schema",
    ]
    assert [verb.NAME for verb in VERBS] == names
    listed = build_parser().format_help()
    assert all(f"\n    {name}" in listed for name in names)


def _help(verb: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([verb, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("verb", VERBS, ids=[verb.NAME for verb in VERBS])
def test_every_verbs_help_says_what_it_does_what_it_needs_and_shows_an_example_that_parses(
    verb: Verb, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help(verb.NAME, capsys)
    assert f"\n\n{verb.HELP}\n" in text
    [needs] = [line for line in text.splitlines() if line.startswith("needs: ")]
    assert any(word in needs for word in ("offline", "Pulumi CLI", "root on this machine"))
    examples = text.split("\nexample", 1)[1].split(":\n", 1)[1].splitlines()
    assert examples and all(example.startswith(f"  zt-ecmp {verb.NAME}") for example in examples)
    for example in examples:
        typed = shlex.split(example.split(" > ", 1)[0])
        assert build_parser().parse_args(typed[1:]).command == verb.NAME


def test_version_names_the_project_and_what_it_runs_on(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    line = capsys.readouterr().out
    assert re.fullmatch(
        r"zt-ecmp 0\.1\.0 \(Python 3\.\d+\.\d+, pulumi SDK 3\.272\.0, pulumi-command 1\.2\.1, pulumi-docker 5\.2\.0\)\n", line
    )


@pytest.mark.parametrize("verb", STACK_VERBS)
def test_every_verb_that_takes_a_stack_reads_it_from_this_project_by_default(verb: str) -> None:
    args = build_parser().parse_args([verb, "--stack", "gk41", *REQUIRED.get(verb, [])])
    assert (args.stack, args.project_dir) == ("gk41", PROJECT_DIR)


def test_bench_netns_defaults_match_the_reference_sweep() -> None:
    args = build_parser().parse_args(["bench-netns"])
    assert (args.paths, args.rate_mbit, args.flows) == (8, 100, 16)


def test_bfd_failover_needs_the_three_paths_it_fails_in_turn(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["bfd-failover", "--paths", "2"])
    assert exited.value.code == 2
    assert "argument --paths: the run fails paths 1, 2 and 3 in turn; give at least 3" in capsys.readouterr().err


def test_bfd_failover_defaults_are_four_paths_at_300_ms_times_3() -> None:
    args = build_parser().parse_args(["bfd-failover"])
    assert (args.paths, args.rate_mbit, args.flows, args.interval_ms, args.multiplier) == (4, 100, DEFAULT_FLOWS, 300, 3)


def test_config_reference_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config-reference"]) == 0
    assert "| `paths.active` |" in capsys.readouterr().out


@pytest.fixture
def sigterm_restored() -> Iterator[None]:
    """A benchmark makes SIGTERM unwind like Ctrl-C; the test process gets its own handling back."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_a_benchmark_that_cannot_run_here_exits_2_saying_why_and_measures_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    def measure() -> str:
        raise AssertionError("measured although the lab cannot run")

    assert run_benchmark(["needs root to create network namespaces"], measure, removed="namespaces") == 2
    assert capsys.readouterr().err == "error: the network-namespace lab cannot run here: needs root to create network namespaces\n"


@pytest.mark.usefixtures("sigterm_restored")
def test_a_benchmark_prints_what_it_measured(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_benchmark([], lambda: "| K | flows |\n", removed="namespaces") == 0
    assert capsys.readouterr().out == "| K | flows |\n"


@pytest.mark.usefixtures("sigterm_restored")
def test_an_interrupted_benchmark_exits_130_once_its_lab_is_removed(capsys: pytest.CaptureFixture[str]) -> None:
    def measure() -> str:
        raise KeyboardInterrupt

    assert run_benchmark([], measure, removed="namespaces and FRR daemons") == 130
    assert capsys.readouterr().err == "interrupted; namespaces and FRR daemons removed\n"
