"""A deployed stack whose routers never answer: what the lab tools do before they can reach a router."""

from __future__ import annotations

import contextlib
import json
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pulumi.automation import ConfigValue, OutputValue

from tests.support.stacks import stack_settings

FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktbWF0ZXJpYWw=\n-----END OPENSSH PRIVATE KEY-----"


@dataclass
class ClosedPortStack:
    """A deployed gk41 stack whose routers answer on loopback addresses, on a port nothing listens on."""

    name: str = "gk41"

    def get_all_config(self) -> dict[str, ConfigValue]:
        settings = stack_settings("gk41")
        for number, router in enumerate(settings["routers"], start=1):
            router["ssh"].update(host=f"127.0.0.{number}", port=1)
        values = {f"zt-ecmp:{key}": ConfigValue(json.dumps(value)) for key, value in settings.items()}
        return {**values, "zt-ecmp:sshPrivateKey": ConfigValue(FAKE_KEY, secret=True)}

    def get_config(self, key: str, *, path: bool = False) -> ConfigValue:
        return self.get_all_config()[key]

    def outputs(self) -> dict[str, OutputValue]:
        # Deployed before the outputs recorded the settings.
        return {}


REFUSED = [
    "r1 (vyos@127.0.0.1:1) unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused",
    "r2 (vyos@127.0.0.2:1) unreachable: ssh: connect to host 127.0.0.2 port 1: Connection refused",
]


@contextlib.contextmanager
def deployed_on_closed_ports(monkeypatch: pytest.MonkeyPatch, selector: str) -> Iterator[None]:
    """``selector`` (the dotted name a verb selects its stack by) answers with a ClosedPortStack; the
    SIGTERM handling the verb installs is undone afterwards."""
    monkeypatch.setattr(selector, lambda name, project_dir: ClosedPortStack())
    previous = signal.getsignal(signal.SIGTERM)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
