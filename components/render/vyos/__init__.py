"""The renderer of flavor vyos: the configuration tree a VyOS router holds, and the vbash scripts
that apply, confirm and undo it.

The fixed text of the scripts is in ``programs/`` (``.vbash``; ``.sh`` for what runs outside vbash),
filled in by ``scripts`` and ``configuration``.
"""

from components.render.programs import Programs

PROGRAMS = Programs(__name__)
