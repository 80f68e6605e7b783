"""Specifications of the stack layer: stack files and the Automation API's settings."""
