"""Bundled sample disclosure: YAML description + reportlab renderer (see ``render``)."""
from .render import (DEFAULT_DESCRIPTION, DEFAULT_OUTPUT, FINAL_DESCRIPTION, RenderInfo, load_description,
                     render_sample)

__all__ = ["DEFAULT_DESCRIPTION", "DEFAULT_OUTPUT", "FINAL_DESCRIPTION", "RenderInfo", "load_description",
           "render_sample"]
