"""Colours and a placeholder derived from a decoded frame, for clients to paint before the
image arrives and to choose what to draw behind a transparent icon."""

from __future__ import annotations

import io
from collections import Counter

from PIL import Image

from media.datauri import encode_data_uri

PLACEHOLDER_SIZE = 16
# Relative luminance where a colour has equal WCAG contrast against black and white
# ((L+0.05)/0.05 == 1.05/(L+0.05)); it is also CIE L* = 50, perceptual mid-grey.
_MID_LUMINANCE = 0.179
_OPAQUE_ENOUGH = 128


def _hex(red: int, green: int, blue: int) -> str:
    return f"#{red:02X}{green:02X}{blue:02X}"


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(red: int, green: int, blue: int) -> float:
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def _shrunk(image: Image.Image, size: int) -> Image.Image:
    """A box-filtered copy at most `size` px on its longer side, aspect ratio kept.

    Resizing straight from the source never makes a full-size copy: for a 32 Mpx source a
    copy or a mode conversion first would cost another 128 MB.
    """
    scale = min(1.0, size / max(image.width, image.height))
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(target, Image.Resampling.BOX)


def _sample(image: Image.Image, size: int = 64) -> list[tuple[int, int, int, int]]:
    """At most `size`x`size` RGBA pixels that stand for the image (a box-filtered copy)."""
    small = _shrunk(image, size).convert("RGBA")
    raw = small.tobytes()
    return [(raw[i], raw[i + 1], raw[i + 2], raw[i + 3]) for i in range(0, len(raw), 4)]


def dominant_color(image: Image.Image) -> str | None:
    """The most common colour among the visible pixels, after reducing to 8 colours.

    A mean colour of a photo is usually a muddy brown; the largest cluster of a median-cut
    palette is what a person would name as "the colour" of the image.
    """
    visible = [(r, g, b) for r, g, b, a in _sample(image) if a >= _OPAQUE_ENOUGH]
    if not visible:
        return None
    strip = Image.new("RGB", (len(visible), 1))
    strip.putdata(visible)
    palette_image = strip.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    palette = palette_image.getpalette() or []
    ((index, _),) = Counter(palette_image.tobytes()).most_common(1)
    red, green, blue = palette[index * 3 : index * 3 + 3]
    return _hex(red, green, blue)


def icon_background(image: Image.Image) -> str | None:
    """What to draw behind a transparent icon so that its mark reads; None for opaque ones.

    The mark's luminance is the alpha-weighted mean of its pixels' relative luminance; a
    dark mark gets white behind it, a light one black, split where contrast against either
    is equal.
    """
    if image.mode != "RGBA":
        return None
    lowest, _ = image.getchannel("A").getextrema()
    if isinstance(lowest, (int, float)) and lowest >= 255:
        return None
    weight = 0.0
    total = 0.0
    for red, green, blue, alpha in _sample(image):
        if alpha >= _OPAQUE_ENOUGH:
            weight += alpha
            total += alpha * _luminance(red, green, blue)
    if weight == 0:
        return None
    return "#FFFFFF" if total / weight < _MID_LUMINANCE else "#000000"


def placeholder(image: Image.Image) -> str:
    """A `data:image/webp;base64,...` URI of the image at most 16 px on its longer side.

    Around 100 to 300 bytes: small enough to inline in every GraphQL response, and a browser
    scaling it up to the real box (optionally with CSS `filter: blur()`) shows the blurred
    shape and colours of the image with no client library; BlurHash would need one. WebP
    over PNG/JPEG because it is 5-8 times smaller at this size (measured: 80 B vs 518 B PNG).
    """
    small = _shrunk(image, PLACEHOLDER_SIZE)
    buffer = io.BytesIO()
    small.save(buffer, "WEBP", quality=40, method=6)
    return encode_data_uri(buffer.getvalue(), "image/webp")
