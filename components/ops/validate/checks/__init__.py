"""One module per validation check, each with its ``commands`` and ``evaluate`` and the ``CHECK`` that
pairs them; ``components.ops.validate.registry`` lists them in order.

``print_validation`` and ``run_from_arguments`` are still reachable here for the callers that
imported them from this path before it was a package (the CLI and the sweep); their home is
``components.ops.validate.runner``. They resolve on first use, because the runner imports the
registry, which imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.ops.validate.runner import print_validation as print_validation
    from components.ops.validate.runner import run_from_arguments as run_from_arguments

_FROM_RUNNER = ("print_validation", "run_from_arguments")


def __getattr__(name: str) -> Any:
    if name in _FROM_RUNNER:
        from components.ops.validate import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
