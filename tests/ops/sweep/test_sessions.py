"""How many SSH sessions a sweep holds on each router at once, and when one connection per router carries them."""

from __future__ import annotations

from components.ops.sweep.floating import fits_one_connection, sessions_at_once
from components.ops.sweep.orchestration import all_pairs


def test_one_pair_holds_a_server_or_client_and_the_listener_check_on_each_router() -> None:
    assert sessions_at_once((("r1", "r2"),)) == {"r1": 2, "r2": 2}


def test_every_pair_of_three_routers_holds_two_servers_two_clients_and_the_check_on_each() -> None:
    assert sessions_at_once(all_pairs(("hq", "br1", "br2"))) == {"hq": 5, "br1": 5, "br2": 5}


def test_every_pair_of_five_routers_fits_sshds_ten_sessions_and_of_six_does_not() -> None:
    five, six = ("r1", "r2", "r3", "r4", "r5"), ("r1", "r2", "r3", "r4", "r5", "r6")
    assert (fits_one_connection(all_pairs(five)), fits_one_connection(all_pairs(six))) == (True, False)
