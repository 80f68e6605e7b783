"""Specifications of the preview layer: offline runs, the topology picture and the diff of two stack versions."""
