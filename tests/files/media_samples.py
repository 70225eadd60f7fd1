"""Real media made on the spot for the picture makers: videos encoded with PyAV's FFmpeg
(H.264 in MP4, VP8 in WebM), tones as WAV and MP3, PDFs whose pages are painted in known
colours, and Office and OpenDocument archives assembled with zipfile. Each sample's content
is known to the test that made it, so what the decoders give back can be checked against it."""

from __future__ import annotations

import io
import math
import shutil
import struct
import tempfile
import wave
import zipfile
from pathlib import Path
from typing import Any

import av
from PIL import Image

from tests.files.samples import pdf_file

# One colour per second of video, so that a frame's colour tells its time.
SECOND_COLOURS = ((220, 30, 30), (30, 200, 40), (30, 60, 220), (230, 220, 40), (200, 40, 200))


def video(
    container: str = "mp4",
    *,
    seconds: int = 5,
    size: tuple[int, int] = (320, 240),
    fps: int = 10,
    faststart: bool = True,
) -> bytes:
    """A video whose frames are filled with SECOND_COLOURS[second]. MP4s are H.264 with their
    index first (`faststart`) unless asked otherwise; WebMs are VP8."""
    # faststart moves the index in a second pass over the file, so it needs a real one.
    folder = tempfile.mkdtemp()
    path = Path(folder) / f"sample.{container}"
    options = {"movflags": "faststart"} if container == "mp4" and faststart else {}
    codec = "libx264" if container == "mp4" else "libvpx"
    handle: Any = av.open(str(path), mode="w", format=container, options=options)
    with handle as output:
        stream = output.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index in range(seconds * fps):
            colour = SECOND_COLOURS[(index // fps) % len(SECOND_COLOURS)]
            frame = av.VideoFrame.from_image(Image.new("RGB", size, colour))  # type: ignore[no-untyped-call]
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    data = path.read_bytes()
    shutil.rmtree(folder)
    return data


def tone_wav(*, seconds: float = 2.0, rate: int = 8000, frequency: float = 440.0) -> bytes:
    """A sine tone whose loudness rises linearly from silence to full scale."""
    count = int(seconds * rate)
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        samples = (
            int(32767 * (i / count) * math.sin(2 * math.pi * frequency * i / rate))
            for i in range(count)
        )
        writer.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return out.getvalue()


def tone_mp3(*, seconds: float = 3.0, rate: int = 44100) -> bytes:
    """A full-scale 440 Hz tone encoded as MP3 by LAME."""
    out = io.BytesIO()
    handle: Any = av.open(out, mode="w", format="mp3")
    with handle as output:
        stream = output.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"
        samples_per_frame = 1152
        total = int(seconds * rate)
        for start in range(0, total, samples_per_frame):
            n = min(samples_per_frame, total - start)
            pcm = b"".join(
                struct.pack("<h", int(32000 * math.sin(2 * math.pi * 440 * (start + i) / rate)))
                for i in range(n)
            )
            frame = av.AudioFrame(format="s16", layout="mono", samples=n)
            frame.planes[0].update(pcm + bytes(frame.planes[0].buffer_size - len(pcm)))
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return out.getvalue()


def painted_pdf(
    colours: list[tuple[float, float, float]],
    *,
    width: float = 595,
    height: float = 842,
    words: str | None = None,
) -> bytes:
    """A PDF with one page per colour, each page filled with its colour (RGB in 0–1), with a
    title and author in its Info dictionary; `words` are written in black on every page."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for red, green, blue in colours:
        content = b"%.3f %.3f %.3f rg 0 0 %.1f %.1f re f" % (red, green, blue, width, height)
        if words:
            content += b" 0 0 0 rg BT /F1 18 Tf 40 %.1f Td (%s) Tj ET" % (
                height - 60,
                words.encode("latin-1"),
            )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.1f %.1f] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (width, height, content_ref)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    objects.append(b"<< /Title (Painted Pages) /Author (Grace Hopper) >>")
    return pdf_file(objects, info=len(objects))


# --- Office and OpenDocument ------------------------------------------------------------------

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties
 xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>
<dc:description>{description}</dc:description><dc:language>en-GB</dc:language>
<dcterms:modified xsi:type="dcterms:W3CDTF">2024-03-04T05:06:07Z</dcterms:modified>
</cp:coreProperties>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
{counts}</Properties>"""

_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheets>{sheets}</sheets></workbook>"""

_ODF_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta>
<dc:title>{title}</dc:title><meta:initial-creator>{author}</meta:initial-creator>
<dc:language>de</dc:language>
<meta:document-statistic meta:page-count="{pages}" meta:table-count="{tables}"/>
</office:meta></office:document-meta>"""


def office(
    fmt: str, *, title: str, author: str, count: int, description: str = "A summary"
) -> bytes:
    """A minimal docx, xlsx or pptx with core properties and its page, sheet or slide count,
    plus a macro-looking part that must never be opened."""
    parts = {
        "[Content_Types].xml": "<Types/>",
        "docProps/core.xml": _CORE.format(title=title, author=author, description=description),
        "word/vbaProject.bin": "not a macro, and never read",
    }
    if fmt == "docx":
        parts["docProps/app.xml"] = _APP.format(counts=f"<Pages>{count}</Pages>")
    elif fmt == "pptx":
        parts["docProps/app.xml"] = _APP.format(counts=f"<Slides>{count}</Slides>")
    else:
        sheets = "".join(f'<sheet name="S{i}" sheetId="{i}"/>' for i in range(1, count + 1))
        parts["xl/workbook.xml"] = _WORKBOOK.format(sheets=sheets)
    return _zip(parts)


def opendocument(fmt: str, *, title: str, author: str, pages: int, tables: int) -> bytes:
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument." + fmt,
            "meta.xml": _ODF_META.format(title=title, author=author, pages=pages, tables=tables),
        }
    )


def zip_bomb_docx(expanded: int = 64 * 1024 * 1024) -> bytes:
    """A docx whose core properties expand to `expanded` bytes of spaces."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("docProps/core.xml", "w") as part,
    ):
        chunk = b" " * (1024 * 1024)
        for _ in range(expanded // len(chunk)):
            part.write(chunk)
    return out.getvalue()


def entity_bomb_docx() -> bytes:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + ']><cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>&i;</dc:title></cp:coreProperties>"
    )
    return _zip({"docProps/core.xml": laughs})


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()
