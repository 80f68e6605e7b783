"""The scaling sweep of a lab: K = 1..N applied and measured in turn, K put back, and the reports.

``orchestration`` only talks to a ``LabDriver``; ``stack_driver`` is the one for a deployed stack
(the network-namespace lab's lives with that lab, in ``components.netns.sweep_driver``), and both
measure through ``floating``: iperf3 between the floating IPs of one pair or of several at once.
``reports`` writes what was measured, per pair and in total, beside the plan's estimate and the
published figures.
"""
