"""What the lab runs against a router's Docker engine itself, beside the Docker provider.

The fixed text of the scripts is in ``programs/`` (``.sh``), filled in by the modules here.
"""

from components.render.programs import Programs

PROGRAMS = Programs(__name__)
