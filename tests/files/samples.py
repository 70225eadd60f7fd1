"""Real files made on the spot, for the file readers and the direct backend's file links:
Pillow for images, hand-assembled ISO boxes for MP4, MPEG frames plus mutagen's ID3 writer
for MP3, the stdlib for WAV, pypdf for PDFs. Nothing is downloaded."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path
from typing import Any

from mutagen import id3 as _id3
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject

# --- images ---------------------------------------------------------------------------------


def png(width: int = 64, height: int = 48, *, alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (200, 30, 30, 255))
    for x in range(width // 2):
        for y in range(height):
            image.putpixel((x, y), (140, 140, 150, 0 if alpha and x < 4 else 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 80, height: int = 60) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 220)).save(out, "JPEG", quality=90)
    return out.getvalue()


def gif(frames: int, *, width: int = 32, height: int = 24, delay_ms: int = 100) -> bytes:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
    images = [Image.new("RGB", (width, height), colours[i % 4]) for i in range(frames)]
    out = io.BytesIO()
    if frames == 1:
        images[0].save(out, "GIF")
    else:
        images[0].save(
            out, "GIF", save_all=True, append_images=images[1:], duration=delay_ms, loop=0
        )
    return out.getvalue()


# --- MP4 ------------------------------------------------------------------------------------


def box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, *parts: bytes, version: int = 0) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]), *parts)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _track(
    track_id: int,
    handler: bytes,
    entry: bytes,
    *,
    timescale: int,
    duration: int,
    samples: int,
    size: tuple[int, int] = (0, 0),
) -> bytes:
    tkhd = full_box(
        b"tkhd",
        struct.pack(">IIIII", 0, 0, track_id, 0, duration),
        bytes(8),
        struct.pack(">hhhh", 0, 0, 0x100 if handler == b"soun" else 0, 0),
        _MATRIX,
        struct.pack(">II", size[0] << 16, size[1] << 16),
    )
    mdhd = full_box(b"mdhd", struct.pack(">IIIIHH", 0, 0, timescale, duration, 0x55C4, 0))
    hdlr = full_box(b"hdlr", bytes(4), handler, bytes(12), b"handler\0")
    stsd = full_box(b"stsd", struct.pack(">I", 1), entry)
    stts = full_box(b"stts", struct.pack(">III", 1, samples, duration // max(samples, 1)))
    stbl = box(b"stbl", stsd, stts)
    minf = box(b"minf", stbl)
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))


def _esds() -> bytes:
    """An AAC-LC elementary stream descriptor (44.1 kHz stereo, 128 kbit/s)."""
    specific = b"\x05\x02\x12\x10"
    config = b"\x40\x15\x00\x00\x00" + struct.pack(">II", 128000, 128000) + specific
    stream = struct.pack(">HB", 1, 0) + b"\x04" + bytes([len(config)]) + config + b"\x06\x01\x02"
    return full_box(b"esds", b"\x03" + bytes([len(stream)]) + stream)


def _ilst_item(kind: bytes, text: str) -> bytes:
    return box(kind, box(b"data", struct.pack(">II", 1, 0), text.encode()))


def mp4(
    *,
    seconds: int = 4,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    audio: bool = True,
    title: str | None = None,
    artist: str | None = None,
) -> bytes:
    """A fast-start MP4: ftyp, then moov (an H.264 track and an AAC track), then mdat."""
    ftyp = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    mvhd = full_box(
        b"mvhd",
        struct.pack(">IIII", 0, 0, 1000, seconds * 1000),
        struct.pack(">IH", 0x10000, 0x100),
        bytes(10),
        _MATRIX,
        bytes(24),
        struct.pack(">I", 3),
    )
    avc1 = box(
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),
        bytes(16),
        struct.pack(">HH", width, height),
        struct.pack(">II", 0x480000, 0x480000),
        bytes(4),
        struct.pack(">H", 1),
        bytes(32),
        struct.pack(">Hh", 0x18, -1),
    )
    tracks = [
        _track(
            1,
            b"vide",
            avc1,
            timescale=fps * 1000,
            duration=seconds * fps * 1000,
            samples=seconds * fps,
            size=(width, height),
        )
    ]
    if audio:
        mp4a = box(
            b"mp4a",
            bytes(6),
            struct.pack(">H", 1),
            bytes(8),
            struct.pack(">HHHH", 2, 16, 0, 0),
            struct.pack(">I", 44100 << 16),
            _esds(),
        )
        tracks.append(
            _track(
                2, b"soun", mp4a, timescale=44100, duration=seconds * 44100, samples=seconds * 43
            )
        )
    items = [_ilst_item(b"\xa9nam", title)] if title else []
    items += [_ilst_item(b"\xa9ART", artist)] if artist else []
    if items:
        handler = full_box(b"hdlr", bytes(4), b"mdir", b"appl", bytes(9))
        tracks.append(box(b"udta", full_box(b"meta", handler, box(b"ilst", *items))))
    moov = box(b"moov", mvhd, *tracks)
    return ftyp + moov + box(b"mdat", bytes(4096))


# --- audio ----------------------------------------------------------------------------------

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, joint stereo: 417-byte frames.
_MP3_FRAME = b"\xff\xfb\x90\x44" + bytes(413)


def mp3(path: Path, *, frames: int = 400, artwork: bytes | None = None) -> bytes:
    """A constant-bit-rate MP3 (about 10 s of silence) with ID3v2.4 tags."""
    path.write_bytes(_MP3_FRAME * frames)
    id3: Any = _id3  # mutagen's ID3 classes are untyped
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=3, text="Night Drive"))
    tags.add(id3.TPE1(encoding=3, text="The Testers"))
    tags.add(id3.TALB(encoding=3, text="Loopback"))
    tags.add(id3.TDRC(encoding=3, text="2021-05-03"))
    if artwork is not None:
        tags.add(id3.APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=artwork))
    tags.save(str(path))
    return path.read_bytes()


def wav(*, seconds: float = 1.5, rate: int = 8000, channels: int = 1) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(bytes(int(seconds * rate) * 2 * channels))
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def pdf(*, pages: int = 3, password: str | None = None, lang: str | None = "en-GB") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata(
        {
            "/Title": "Quarterly Report",
            "/Author": "Ada Lovelace",
            "/Subject": "Numbers, mostly",
            "/ModDate": "D:20240102030405+01'00'",
        }
    )
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nested_pdf(depth: int = 200_000) -> bytes:
    """A PDF whose Info dictionary holds an array nested `depth` deep: parsers that recurse
    per level must give up, not hang or crash the process."""
    title = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        b"<< /Title " + title + b" >>",
    ]
    return pdf_file(objects, info=4)


def pdf_file(objects: list[bytes], *, info: int) -> bytes:
    """A PDF of `objects` (numbered from 1, the catalog first) with its cross-reference
    table written by hand, so that a test controls every byte; object `info` is its Info."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
