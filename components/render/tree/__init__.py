"""Configuration trees set line by line, and the ledger of what the lab created in one.

A router configured as a tree of nodes (VyOS, and any other router configured by ``set`` and
``delete`` lines) holds the lab as leaves with full paths. ``config`` describes what one router
should hold; ``ledger`` what the lab records having created, so that undo removes exactly that.
Neither knows a flavor: the flavor's renderer (components/render/vyos/) builds the leaves and the
scripts that apply them.
"""
