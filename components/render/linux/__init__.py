"""The renderer of flavor linux: POSIX sh scripts for iproute2, /proc/sys and (optionally) FRR.

The fixed text of the scripts is in ``programs/`` (``.sh``), filled in by the modules here.
"""

from components.render.programs import Programs

PROGRAMS = Programs(__name__)
