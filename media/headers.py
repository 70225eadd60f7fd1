"""Reading image containers' own headers, before Pillow sees the bytes.

Two things Pillow cannot be asked safely: what format a body really is (CDNs mislabel, and
an attacker labels a TIFF `image/png`), and how big the frames nested inside a container are
(an ICO can wrap a PNG whose IHDR claims 60000x60000; a GIF can declare thousands of frames
or frames larger than its screen). Both are answered here from a few bytes, without
decompressing anything, so that every refusal happens before a pixel buffer is allocated.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from media.errors import ImageRejectedError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Pillow format names we agree to decode, by their magic bytes. Nothing else reaches Pillow:
# no TIFF, PSD, FITS, BMP, SVG, EPS (Synapse's PILLOW_FORMATS idea, narrowed further).
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "ICO")


def sniff_format(data: bytes) -> str:
    """The Pillow format name of `data`, from its magic bytes; refuses anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(PNG_MAGIC):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"\x00\x00\x01\x00"):
        return "ICO"
    raise ImageRejectedError("unsupported", "not a JPEG, PNG, WebP, GIF or ICO image")


def check_pixels(width: int, height: int, cap: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRejectedError("corrupt", "image has no pixels")
    if width * height > cap:
        raise ImageRejectedError("too_many_pixels", f"{width}x{height} exceeds {cap} pixels")


@dataclass(frozen=True, slots=True)
class GifShape:
    width: int
    height: int
    frames: int


def scan_gif(data: bytes, *, max_pixels: int, max_frames: int) -> GifShape:
    """Walk the GIF block structure (no LZW decoding) to bound screen, frames and extents.

    Pillow composites each frame onto a buffer the size of the logical screen, and before
    9.2 sized that buffer from frame extents (CVE-2022-45198); a frame outside the screen is
    refused here rather than trusted to any version's handling.
    """
    if len(data) < 13:
        raise ImageRejectedError("corrupt", "truncated GIF header")
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    check_pixels(width, height, max_pixels)
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    frames = 0
    end = len(data)
    while pos < end:
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then data sub-blocks
            pos = skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image descriptor
            if pos + 10 > end:
                raise ImageRejectedError("corrupt", "truncated GIF frame")
            left, top, frame_w, frame_h, frame_flags = struct.unpack_from("<HHHHB", data, pos + 1)
            if left + frame_w > width or top + frame_h > height:
                raise ImageRejectedError("gif_extent", "GIF frame lies outside its screen")
            frames += 1
            if frames > max_frames:
                raise ImageRejectedError("gif_frames", f"GIF has more than {max_frames} frames")
            pos += 10
            if frame_flags & 0x80:
                pos += 3 * (2 << (frame_flags & 7))
            pos = skip_sub_blocks(data, pos + 1)  # after the LZW minimum code size byte
        else:  # junk after the frames: browsers ignore it, and so does Pillow
            break
    if frames == 0:
        raise ImageRejectedError("corrupt", "GIF has no frames")
    return GifShape(width, height, frames)


def skip_sub_blocks(data: bytes, pos: int) -> int:
    """The position after the GIF data sub-blocks that start at `pos` (each is a length byte
    and that many bytes, ended by a zero length), or the end of `data` if they run off it."""
    end = len(data)
    while pos < end:
        size = data[pos]
        pos += 1
        if size == 0:
            return pos
        pos += size
    return end


def scan_ico(data: bytes, *, max_pixels: int) -> None:
    """Check the real size of every frame an ICO wraps, from the frames' own headers.

    The ICO directory stores sizes in one byte each (0 meaning 256), but the frame itself is
    a PNG or a BMP with its own 32-bit width and height, and that is what gets allocated.
    """
    if len(data) < 6:
        raise ImageRejectedError("corrupt", "truncated ICO header")
    (count,) = struct.unpack_from("<H", data, 4)
    if count == 0 or 6 + 16 * count > len(data):
        raise ImageRejectedError("corrupt", "ICO directory is empty or truncated")
    for index in range(count):
        (offset,) = struct.unpack_from("<I", data, 6 + 16 * index + 12)
        frame = data[offset : offset + 24]
        if frame.startswith(PNG_MAGIC) and len(frame) >= 24 and frame[12:16] == b"IHDR":
            width, height = struct.unpack_from(">II", frame, 16)
        elif len(frame) >= 12:
            # A DIB header; its height counts the XOR image and the AND mask together.
            (header_size,) = struct.unpack_from("<I", frame, 0)
            fmt = "<HH" if header_size == 12 else "<ii"
            width, height = struct.unpack_from(fmt, frame, 4)
            width, height = abs(width), abs(height) // 2
        else:
            raise ImageRejectedError("corrupt", "ICO frame is truncated")
        check_pixels(width, height, max_pixels)
