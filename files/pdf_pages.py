"""A PDF's first pages as pictures, rendered by PDFium through pypdfium2.

Why PDFium: it is the renderer Chromium ships, kept up against hostile files, and its
Python binding has wheels with the library inside. It runs in a child process
(files/isolated.py) because it is not thread-safe and cannot be interrupted.

The size of every bitmap is ours to choose, whatever the page claims: a page is rendered to
PAGE_WIDTH pixels across, and less when its shape would make that more than MAX_PIXELS, so
a page declared a kilometre tall costs no more memory than an ordinary one. A document of
ten thousand pages costs its first MAX_PAGES.
"""

from __future__ import annotations

import io
import math
from typing import Final

import pypdfium2 as pdfium
from PIL import Image

MAX_PAGES: Final = 4
PAGE_WIDTH: Final = 800
MAX_PIXELS: Final = 800 * 1600


def render_pages(data: bytes) -> tuple[bytes, ...]:
    """PNG bytes of the first pages, in order; () when the file cannot be opened (damaged,
    or encrypted with a password)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return ()
    rendered: list[bytes] = []
    try:
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            try:
                width, height = page.get_size()
                if width <= 0 or height <= 0:
                    break
                scale = _scale(width, height)
                bitmap = page.render(scale=scale, may_draw_forms=False)
                rendered.append(_png(bitmap.to_pil()))
            finally:
                page.close()
    except pdfium.PdfiumError:
        pass  # a damaged later page: the pages before it stand
    finally:
        document.close()
    return tuple(rendered)


def _scale(width: float, height: float) -> float:
    """Pixels per PDF point: PAGE_WIDTH across, unless that breaks the pixel budget."""
    scale = PAGE_WIDTH / width
    # PDFium rounds each side up to a whole pixel, so the budget is checked on those.
    while scale > 1e-3 and math.ceil(width * scale) * math.ceil(height * scale) > MAX_PIXELS:
        scale = min(scale, math.sqrt(MAX_PIXELS / (width * height))) * 0.98
    return max(scale, 1e-3)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()
