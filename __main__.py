"""zt-ecmp: ZeroTier ECMP labs between two routers. See README.md."""

from components.lab import run

run()
