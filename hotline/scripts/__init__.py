"""Script templates (话术) as data files, with their loader, renderer and checker.

Import-light on purpose: no Textual, no Rich — the CLI (`hotline scripts check`) and the
services use it as well as the script panel. See `hotline.scripts.library` for the file format.
"""

from hotline.scripts.library import (
    STAGES,
    VARIABLES,
    ScriptLibrary,
    ScriptProblem,
    Template,
    check,
    load_library,
    read_aloud,
    render,
    render_parts,
)

__all__ = [
    "STAGES",
    "VARIABLES",
    "ScriptLibrary",
    "ScriptProblem",
    "Template",
    "check",
    "load_library",
    "read_aloud",
    "render",
    "render_parts",
]
