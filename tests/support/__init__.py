"""Helpers shared by the tests: stack settings, offline runs, goldens, a VyOS stand-in and plan variants."""
