"""Bytes from the internet to one clean RGB or RGBA frame, or a refusal.

Everything here is synchronous and CPU-bound; the service runs it in its image executor, off
the event loop. The order of checks is the point (SECURITY-CASES E1-E5):

1. the format comes from magic bytes and must be JPEG, PNG, WebP, GIF or ICO, whatever the
   Content-Type said; Pillow is then told to try only that one plugin;
2. container structure (GIF frames, ICO frames) and the header's pixel count are checked
   before any pixel is decoded;
3. decoding errors of every kind (truncated, corrupt, Pillow's own decompression-bomb check,
   a nested frame lying about its size) become `ImageRejectedError`, never a 500;
4. EXIF orientation is applied, and if the EXIF block itself is corrupt it is ignored rather
   than costing the image;
5. the frame handed on carries no metadata (`info` is emptied), so no encoder can copy EXIF,
   GPS, ICC or text chunks from the source into what we serve.

Animated images (GIF, APNG, animated WebP) give their first frame: the variants are stills,
drawn where a preview card shows a picture; Peekalink reports GIF links as VIDEO for motion.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from media.errors import ImageRejectedError
from media.headers import check_pixels, scan_gif, scan_ico, sniff_format
from media.limits import ImageLimits

_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "La", "RGBa"})
_WIDE_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "F"})


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """One frame ready for resizing: mode RGB (opaque) or RGBA (some pixel not opaque)."""

    image: Image.Image
    source_format: str
    frames: int

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    @property
    def has_alpha(self) -> bool:
        return self.image.mode == "RGBA"


def configure_pillow(limits: ImageLimits) -> None:
    """Make Pillow's own bomb check a backstop at our cap (it raises at twice the value).

    Our header checks run first and refuse anything over `max_pixels`, so Pillow's check only
    matters for a frame whose real size differs from what its container declared.
    """
    Image.MAX_IMAGE_PIXELS = limits.max_pixels


def decode_image(data: bytes, limits: ImageLimits) -> DecodedImage:
    """Decode the first frame of `data` (for ICO, its largest frame) within `limits`."""
    if len(data) > limits.max_bytes:
        raise ImageRejectedError("too_large", f"{len(data)} bytes exceeds {limits.max_bytes}")
    fmt = sniff_format(data)
    frames = 1
    cap = limits.max_pixels
    if fmt == "GIF":
        cap = min(cap, limits.max_gif_pixels)
        frames = scan_gif(data, max_pixels=cap, max_frames=limits.max_gif_frames).frames
    elif fmt == "ICO":
        scan_ico(data, max_pixels=cap)
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as source:
            if source.format != fmt:
                raise ImageRejectedError("unsupported", f"decoder disagrees: {source.format}")
            check_pixels(*source.size, cap)
            if fmt != "GIF":
                frames = int(getattr(source, "n_frames", 1))
            source.load()
            check_pixels(*source.size, cap)
            frame = _normalize(_oriented(source))
    except ImageRejectedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejectedError("too_many_pixels", str(exc)) from exc
    except Exception as exc:  # Pillow's decoders raise OSError, ValueError, SyntaxError, ...
        raise ImageRejectedError("corrupt", f"{type(exc).__name__}: {exc}") from exc
    return DecodedImage(image=frame, source_format=fmt, frames=frames)


def _oriented(image: Image.Image) -> Image.Image:
    """Apply EXIF orientation; a broken EXIF block loses only the rotation, not the image."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image.copy()


def _normalize(image: Image.Image) -> Image.Image:
    """RGB or RGBA, with no metadata; RGBA only if some pixel is actually not opaque."""
    if image.mode in _WIDE_MODES:
        # 16-bit and float greyscale: scale to 8 bits instead of letting convert() clip.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        out = image.convert("RGBA")
        lowest, _ = out.getchannel("A").getextrema()
        if isinstance(lowest, (int, float)) and lowest >= 255:
            out = out.convert("RGB")
    else:
        out = image.convert("RGB")
    out.info = {}
    return out
