"""Specifications of the command line: one module per verb, one parser."""
