"""One chain of Commands serves every router flavor: apply, confirm or none, undo, one after another."""

from __future__ import annotations

import pulumi
import pytest

from components.infra.command_chain import CommandChain, RouterTransaction, TransactionNames
from components.infra.connection import RouterConnection
from components.preview.offline import RegisteredResource, register_offline
from tests.support.stacks import lab_plan

COMMAND = "command:remote:Command"


class Router(pulumi.ComponentResource):
    def __init__(self, transaction: RouterTransaction, names: TransactionNames, steps_before: int = 0) -> None:
        super().__init__("test:index:Router", "r1-test", None, None)
        router = lab_plan("gk41").router("r1")
        chain = CommandChain(self, RouterConnection(router.ssh, None), [])
        for number in range(steps_before):
            chain.step(f"r1-step{number}", create=f"echo {number}\n")
        chain.transaction(names, transaction)
        self.register_outputs({})


def commands(transaction: RouterTransaction, names: TransactionNames, steps_before: int = 0) -> list[RegisteredResource]:
    registered = register_offline(lambda: Router(transaction, names, steps_before), stack="gk41")
    return [resource for resource in registered if resource.type == COMMAND]


def test_a_transaction_without_confirm_is_one_command_whose_delete_is_the_undo() -> None:
    [apply] = commands(RouterTransaction(apply="apply\n", undo="undo\n"), TransactionNames(apply="r1-routing"))
    assert (apply.name, apply.inputs["create"], apply.inputs["delete"]) == ("r1-routing", "apply\n", "undo\n")


def test_the_confirm_runs_after_the_apply_and_undoes_nothing() -> None:
    apply, confirm = commands(
        RouterTransaction(apply="apply\n", undo="undo\n", confirm="confirm\n"), TransactionNames(apply="r1-apply", confirm="r1-confirm")
    )
    assert (confirm.name, confirm.inputs["create"], "delete" in confirm.inputs) == ("r1-confirm", "confirm\n", False)
    assert confirm.dependencies == (apply.urn,)


def test_each_step_waits_for_the_one_before_and_every_step_moves_with_the_router() -> None:
    registered = commands(RouterTransaction(apply="apply\n", undo="undo\n"), TransactionNames(apply="r1-apply"), steps_before=2)
    assert [resource.dependencies for resource in registered] == [(), (registered[0].urn,), (registered[1].urn,)]
    assert all(resource.delete_before_replace and resource.replace_on_changes == ("triggers[*]",) for resource in registered)
    assert all(resource.inputs["addPreviousOutputInEnv"] is False for resource in registered)


def test_a_confirm_script_without_a_name_for_its_command_is_refused() -> None:
    with pytest.raises(ValueError, match="r1-apply: a confirm step needs both a script and a name"):
        commands(RouterTransaction(apply="apply\n", undo="undo\n", confirm="confirm\n"), TransactionNames(apply="r1-apply"))
