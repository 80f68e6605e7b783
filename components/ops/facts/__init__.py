"""What the lab tools know about a router, read from the commands it answers.

``model`` holds the facts (typed, frozen: routes and their next hops, links, BFD peers, instances,
ZeroTier state, the hash policy, pings, the underlay, the VyOS commit state) and how a fact failed to
be read; ``needs`` what a tool can ask for; ``getter`` what a getter is; ``linux``, ``vyos``,
``docker`` and ``in_container`` the getters, each turning the output of the commands it names into
facts; ``table`` which getters answer for each router flavor and container runtime; ``gather`` runs
from needs to commands and from their outputs to a router's facts. validate judges these facts; the
getters hold every command line and every parser, so a flavor that answers differently is a new
entry in ``table``, never an edit to a check.
"""
