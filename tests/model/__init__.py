"""Specifications of the model layer: settings in, a plan out, and what every valid plan holds."""
