"""Specifications of the namespace lab: two real routers in network namespaces on this kernel."""
