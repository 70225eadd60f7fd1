"""A direct link to an image: size, format, transparency, frames and colours.

Decoding goes through media/decode.py, so a linked image meets the same checks as an
og:image (magic-byte format, header pixel cap, GIF structure) before a pixel is decoded.
SVG is never rasterised: it is code, and the type is all we report. An animated GIF is
reported as a VIDEO, as Peekalink does; a still GIF is an IMAGE.
"""

from __future__ import annotations

import colorsys
import struct
from typing import Final

from PIL import Image

from media.colors import dominant_color, icon_background
from media.decode import decode_image
from media.errors import ImageRejectedError
from media.headers import skip_sub_blocks
from media.limits import ImageLimits
from model.record import ImageFile, VideoFile

_PALETTE_COLORS: Final = 16
_SAMPLE_SIZE: Final = 64
# HSV bounds in the spirit of Android's Palette: vibrant is saturated and not dark, muted is
# greyish but neither near black nor near white.
_VIBRANT_SATURATION: Final = 0.35
_MUTED_SATURATION: Final = 0.4
_MIN_VALUE: Final = 0.3
_MUTED_MAX_VALUE: Final = 0.85
# A GIF frame delay below 2 centiseconds is drawn at 10 per second by browsers.
_GIF_MIN_DELAY: Final = 2
_GIF_DEFAULT_DELAY: Final = 10


def svg_image() -> ImageFile:
    """What an SVG link reveals without running its markup through a renderer."""
    return ImageFile(format="svg")


def read_image(
    data: bytes, limits: ImageLimits, *, fallback_format: str | None
) -> ImageFile | VideoFile:
    """The record for an image body; a body that cannot be decoded within `limits` keeps
    only what its type said."""
    try:
        decoded = decode_image(data, limits)
    except ImageRejectedError:
        return ImageFile(format=fallback_format)
    frame = decoded.image
    fmt = decoded.source_format.lower()
    if fmt == "gif" and decoded.frames > 1:
        duration = gif_duration(data)
        return VideoFile(
            format="gif",
            width=decoded.width,
            height=decoded.height,
            duration=duration,
            frame_rate=round(decoded.frames / duration, 3) if duration else None,
            has_audio=False,
        )
    vibrant, muted = palette_colors(frame)
    return ImageFile(
        width=decoded.width,
        height=decoded.height,
        format=fmt,
        has_alpha_channel=decoded.has_alpha,
        animated=decoded.frames > 1,
        frames=decoded.frames,
        background_color=icon_background(frame) if decoded.has_alpha else None,
        dominant_color=dominant_color(frame),
        vibrant_color=vibrant,
        muted_color=muted,
    )


def palette_colors(image: Image.Image) -> tuple[str | None, str | None]:
    """The most common vibrant and muted colours of a median-cut palette, as `#RRGGBB`;
    None where the image has no colour of that kind (a greyscale photo has no vibrant one)."""
    small = image.copy()
    small.thumbnail((_SAMPLE_SIZE, _SAMPLE_SIZE))
    quantized = small.convert("RGB").quantize(
        colors=_PALETTE_COLORS, method=Image.Quantize.MEDIANCUT
    )
    palette = quantized.getpalette() or []
    counts = quantized.getcolors() or []
    vibrant: tuple[int, str] | None = None
    muted: tuple[int, str] | None = None
    for count, index in counts:
        if not isinstance(index, int):
            continue
        red, green, blue = palette[index * 3 : index * 3 + 3]
        _, saturation, value = colorsys.rgb_to_hsv(red / 255, green / 255, blue / 255)
        name = f"#{red:02X}{green:02X}{blue:02X}"
        is_vibrant = saturation >= _VIBRANT_SATURATION and value >= _MIN_VALUE
        is_muted = saturation < _MUTED_SATURATION and _MIN_VALUE <= value <= _MUTED_MAX_VALUE
        if is_vibrant and (vibrant is None or count > vibrant[0]):
            vibrant = (count, name)
        elif is_muted and (muted is None or count > muted[0]):
            muted = (count, name)
    return (vibrant[1] if vibrant else None, muted[1] if muted else None)


def gif_duration(data: bytes) -> float | None:
    """Seconds one loop of a GIF takes: the sum of its frames' delays, read from the Graphic
    Control Extensions by walking the block structure (no pixel is decoded)."""
    if len(data) < 13 or not data.startswith((b"GIF87a", b"GIF89a")):
        return None
    (flags,) = struct.unpack_from("<B", data, 10)
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    end = len(data)
    centiseconds = 0
    pending: int | None = None
    while pos < end:
        block = data[pos]
        if block == 0x21 and pos + 1 < end:
            if data[pos + 1] == 0xF9 and pos + 8 <= end and data[pos + 2] == 4:
                (pending,) = struct.unpack_from("<H", data, pos + 4)
            pos = skip_sub_blocks(data, pos + 2)
        elif block == 0x2C and pos + 10 <= end:
            delay = _GIF_DEFAULT_DELAY if pending is None or pending < _GIF_MIN_DELAY else pending
            centiseconds += delay
            pending = None
            frame_flags = data[pos + 9]
            pos += 10
            if frame_flags & 0x80:
                pos += 3 * (2 << (frame_flags & 7))
            pos = skip_sub_blocks(data, pos + 1)
        else:
            break
    return centiseconds / 100 if centiseconds else None
