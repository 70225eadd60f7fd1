"""Real image bytes for the media tests, made with Pillow (or by hand where Pillow will not
write the hostile shape we need)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def photo(width: int, height: int) -> Image.Image:
    """A busy opaque picture: gradients and shapes, so that encoders have real work."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = red.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(220, 40, 40))
    return image


def jpeg(width: int, height: int, **params: object) -> bytes:
    return _save(photo(width, height), "JPEG", quality=90, **params)


def alpha_png(width: int, height: int) -> bytes:
    """Opaque photo on the left half, fully transparent on the right."""
    image = photo(width, height).convert("RGBA")
    ImageDraw.Draw(image).rectangle((width // 2, 0, width, height), fill=(0, 0, 0, 0))
    return _save(image, "PNG")


def opaque_png(width: int, height: int) -> bytes:
    return _save(photo(width, height), "PNG")


def webp(width: int, height: int) -> bytes:
    return _save(photo(width, height), "WEBP", quality=80)


def animated_gif(width: int, height: int, frames: int = 3) -> bytes:
    """Frame 0 is pure red, the others blue and green: a variant of frame 0 must be red."""
    others = [(0, 0, 255), (0, 255, 0)]
    colours = [(255, 0, 0)] + [others[i % 2] for i in range(frames - 1)]
    images = [Image.new("RGB", (width, height), colour) for colour in colours]
    return _save(images[0], "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)


def mark_icon(size: int, mark: tuple[int, int, int]) -> Image.Image:
    """A square mark in `mark` colour centred on a transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    inset = max(1, size // 5)
    ImageDraw.Draw(image).rectangle((inset, inset, size - inset, size - inset), fill=(*mark, 255))
    return image


def ico(sizes: list[int], mark: tuple[int, int, int] = (20, 20, 20)) -> bytes:
    largest = max(sizes)
    return _save(mark_icon(largest, mark), "ICO", sizes=[(s, s) for s in sizes])


def icon_png(size: int, mark: tuple[int, int, int] = (20, 20, 20)) -> bytes:
    return _save(mark_icon(size, mark), "PNG")


def tiff(width: int = 64, height: int = 64) -> bytes:
    return _save(photo(width, height), "TIFF")


def bmp(width: int = 64, height: int = 64) -> bytes:
    return _save(photo(width, height), "BMP")


def psd_header() -> bytes:
    """The start of a Photoshop file: signature, version 1, 3 channels, 64x64, 8 bits, RGB."""
    return b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 64, 64, 8, 3) + b"\x00" * 64


def fits() -> bytes:
    cards = ["SIMPLE  =                    T", "BITPIX  =                    8", "END"]
    header = "".join(card.ljust(80) for card in cards).ljust(2880).encode("ascii")
    return header + b"\x00" * 2880


SVG = (
    b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x "xxxxxxxxxx">]>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">'
    b'<image href="http://169.254.169.254/latest/meta-data/" width="400" height="400"/>'
    b"<text>&x;</text></svg>"
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A valid PNG signature and IHDR declaring `width`x`height` RGB, with a few bytes of
    compressed data: a few hundred bytes on the wire, 10 GB once decoded."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def jpeg_header_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A real small JPEG whose SOF0 header is rewritten to declare `width`x`height`."""
    data = bytearray(jpeg(16, 16))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def gif_patched(
    *, screen: tuple[int, int] | None = None, frame: tuple[int, int] | None = None
) -> bytes:
    """A real 16x16 GIF with its logical screen and/or first frame size rewritten."""
    data = bytearray(_save(Image.new("P", (16, 16), 1), "GIF"))
    if screen is not None:
        struct.pack_into("<HH", data, 6, *screen)
    if frame is not None:
        descriptor = data.index(b"\x2c\x00\x00\x00\x00")
        struct.pack_into("<HH", data, descriptor + 5, *frame)
    return bytes(data)


def ico_wrapping_bomb() -> bytes:
    """An ICO whose directory says 32x32 but whose frame is a PNG declaring 60000x60000."""
    frame = png_header_bomb()
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", 32, 32, 0, 0, 1, 32, len(frame), 6 + 16)
    return header + entry + frame


def truncated_jpeg() -> bytes:
    data = jpeg(404, 404)
    return data[: len(data) // 2]


def jpeg_with_exif(width: int, height: int, *, orientation: int = 1, gps: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCamera"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    return jpeg(width, height, exif=exif.tobytes())


def jpeg_with_corrupt_exif(width: int = 64, height: int = 64) -> bytes:
    """A JPEG whose APP1 Exif segment is garbage after a valid-looking TIFF header."""
    data = jpeg(width, height)
    payload = b"Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00" + b"\xff\xff" + b"\xab" * 200
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segment + data[2:]


def png_with_huge_exif(width: int = 64, height: int = 64) -> bytes:
    """A PNG carrying a 4 MB eXIf chunk of garbage."""
    data = _save(photo(width, height), "PNG")
    iend = data.rindex(b"IEND") - 4
    junk = b"MM\x00*\x00\x00\x00\x08" + b"\xee" * (4 * 1024 * 1024)
    return data[:iend] + _chunk(b"eXIf", junk) + data[iend:]


def rgba(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int, int]:
    """The pixel at `xy` as RGBA, whatever the image's mode."""
    value = image.convert("RGBA").getpixel(xy)
    assert isinstance(value, tuple)
    red, green, blue, alpha = (int(channel) for channel in value)
    return red, green, blue, alpha


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
