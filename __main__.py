"""zt-ecmp: ZeroTier ECMP labs between two routers. See README.md."""

from components.infra.program import run

run()
