"""The verdict both reachability checks give a ping, and the line of its answer they report."""

from __future__ import annotations

from components.ops.facts.model import Ping, Unread
from components.ops.validate.framework import Status


def answered(ping: Ping | Unread) -> bool:
    return isinstance(ping, Ping) and ping.answered


def ping_verdict(ping: Ping | Unread) -> tuple[Status, str]:
    """Pass when a reply came back; the detail is ping's statistics line (sent, received, loss), or why there is none."""
    return ("pass" if answered(ping) else "fail"), (ping.summary if isinstance(ping, Ping) else ping.reason)
