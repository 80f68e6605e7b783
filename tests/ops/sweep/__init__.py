"""Specifications of the sweep: K applied and measured in order, and its reports."""
