"""Path link up: every active path's interface exists, is up and has carrier."""

from __future__ import annotations

from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope, parsed_json

NAME = "path link up"
LINKS_COMMAND = "ip -j link show"


def commands(scope: RouterScope) -> list[str]:
    return [LINKS_COMMAND]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    output = observed[LINKS_COMMAND]
    links = parsed_json(output)
    if not output.ok or not isinstance(links, list):
        return [scope.result(NAME, "links", "fail", f"ip link: {output.why()}")]
    by_name = {link.get("ifname"): link for link in links}
    results = []
    for path in scope.active_paths():
        end = path.end(scope.router.name)
        subject = f"path {path.index}: {end.interface}"
        link = by_name.get(end.interface)
        if link is None:
            results.append(scope.result(NAME, subject, "fail", f"no interface {end.interface}"))
            continue
        flags = link.get("flags", [])
        state = link.get("operstate", "?")
        if "UP" not in flags:
            results.append(scope.result(NAME, subject, "fail", f"{end.interface} is administratively down"))
        elif "LOWER_UP" not in flags:
            results.append(scope.result(NAME, subject, "fail", f"{end.interface} has no carrier (state {state})"))
        else:
            results.append(scope.result(NAME, subject, "pass", f"up, state {state}, mtu {link.get('mtu')}"))
    return results


CHECK = Check(NAME, commands, evaluate)
