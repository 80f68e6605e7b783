"""Specifications of the render layer: the plan in, text out."""
