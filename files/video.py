"""A direct link to a video, read from its Content-Type and the container's first bytes.

Only MP4/QuickTime (ISO base media) containers are read, and only when the movie header
(`moov`) sits in the prefix, as "fast start" files put it; anything else (WebM, a `moov` at
the end) keeps what the type says. The box walk stops at the first box that runs past the
data, and mutagen reads the iTunes tags; any error means fewer fields, never a failure.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import Final

from mutagen.mp4 import MP4

from files.formats import subtype_name
from model.record import VideoFile

MP4_BRANDS: Final = {"qt  ": "mov"}
# Names for the common sample-entry codes; others are reported as their four characters.
VIDEO_CODECS: Final = {
    "avc1": "h264",
    "avc3": "h264",
    "hvc1": "hevc",
    "hev1": "hevc",
    "av01": "av1",
    "vp09": "vp9",
    "mp4v": "mpeg4",
}
AUDIO_CODECS: Final = {"mp4a": "aac", "ac-3": "ac3", "ec-3": "eac3", "opus": "opus", "fLaC": "flac"}
_MAX_TEXT: Final = 500
# Boxes read per level: a real file has a handful; a hostile one cannot make us loop long.
_MAX_BOXES: Final = 1000


@dataclass(frozen=True, slots=True)
class _Track:
    handler: str
    codec: str | None
    width: int | None
    height: int | None
    seconds: float | None
    samples: int | None


def read_video(media_type: str, prefix: bytes, *, size: int | None) -> VideoFile:
    """The record for a video whose first bytes are `prefix` (and whole size `size`)."""
    fallback = VideoFile(format=subtype_name(media_type))
    if prefix[4:8] != b"ftyp":
        return fallback
    try:
        return _read_mp4(prefix, size) or fallback
    except Exception:  # a hostile or cut box tree: mutagen and struct raise many things
        return fallback


def _read_mp4(prefix: bytes, size: int | None) -> VideoFile | None:
    moov = _child(_boxes(prefix, 0, len(prefix)), b"moov")
    if moov is None:
        return None  # not in the prefix: the header is at the end of the file
    children = _boxes(prefix, *moov)
    mvhd = _child(children, b"mvhd")
    duration = _duration(prefix[mvhd[0] : mvhd[1]]) if mvhd else None
    tracks = [_track(prefix, box) for name, box in children if name == b"trak"]
    video = next((track for track in tracks if track.handler == "vide"), None)
    audio = next((track for track in tracks if track.handler == "soun"), None)
    title, author = _tags(prefix)
    frame_rate = None
    if video and video.samples and video.seconds:
        frame_rate = round(video.samples / video.seconds, 3)
    bit_rate = round(size * 8 / duration) if size and duration else None
    brand = prefix[8:12].decode("latin-1")
    return VideoFile(
        format=MP4_BRANDS.get(brand, "mp4"),
        duration=duration,
        width=video.width if video else None,
        height=video.height if video else None,
        bit_rate=bit_rate,
        frame_rate=frame_rate,
        video_codec=_codec(video, VIDEO_CODECS),
        audio_codec=_codec(audio, AUDIO_CODECS),
        has_audio=audio is not None,
        author=author,
        title=title,
    )


Span = tuple[int, int]


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, Span]]:
    """The boxes between `start` and `end` as (type, body span); a box that runs past the
    data ends the walk, so a cut header is simply not found."""
    found: list[tuple[bytes, Span]] = []
    pos = start
    while pos + 8 <= end and len(found) < _MAX_BOXES:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                break
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        found.append((kind, (pos + header, pos + size)))
        pos += size
    return found


def _child(boxes: list[tuple[bytes, Span]], name: bytes) -> Span | None:
    return next((span for kind, span in boxes if kind == name), None)


def _path(data: bytes, span: Span, *names: bytes) -> Span | None:
    current: Span | None = span
    for name in names:
        if current is None:
            return None
        current = _child(_boxes(data, *current), name)
    return current


def _codec(track: _Track | None, names: dict[str, str]) -> str | None:
    if track is None or track.codec is None:
        return None
    return names.get(track.codec, track.codec.strip() or None)


def _duration(full_box: bytes) -> float | None:
    """Seconds from an mvhd/mdhd body: version 0 has 32-bit times, version 1 64-bit."""
    if len(full_box) < (32 if full_box[:1] == b"\x01" else 20):
        return None
    timescale: int
    duration: int
    if full_box[0] == 1:
        timescale, duration = struct.unpack_from(">IQ", full_box, 20)
    else:
        timescale, duration = struct.unpack_from(">II", full_box, 12)
    if not timescale or duration in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
        return None
    return round(duration / timescale, 3)


def _body(data: bytes, span: Span | None) -> bytes:
    return data[span[0] : span[1]] if span else b""


def _track(data: bytes, trak: Span) -> _Track:
    hdlr = _body(data, _path(data, trak, b"mdia", b"hdlr"))
    handler = hdlr[8:12].decode("latin-1")
    width = height = None
    tkhd = _body(data, _path(data, trak, b"tkhd"))
    if handler == "vide" and len(tkhd) >= 84:
        # The last two fields of tkhd are width and height in 16.16 fixed point.
        raw_width, raw_height = struct.unpack_from(">II", tkhd, len(tkhd) - 8)
        width, height = (raw_width >> 16) or None, (raw_height >> 16) or None
    mdhd = _body(data, _path(data, trak, b"mdia", b"mdhd"))
    stbl = _path(data, trak, b"mdia", b"minf", b"stbl")
    codec = samples = None
    stsd = _body(data, _path(data, stbl, b"stsd") if stbl else None)
    if len(stsd) >= 16:
        codec = stsd[12:16].decode("latin-1")
    stts = _body(data, _path(data, stbl, b"stts") if stbl else None)
    if len(stts) >= 8:
        (entries,) = struct.unpack_from(">I", stts, 4)
        entries = min(entries, (len(stts) - 8) // 8)
        samples = sum(struct.unpack_from(">I", stts, 8 + 8 * i)[0] for i in range(entries))
    return _Track(handler, codec, width, height, _duration(mdhd), samples)


def _tags(prefix: bytes) -> tuple[str | None, str | None]:
    """Title and artist from the iTunes-style `ilst`, when mutagen can read the file."""
    try:
        tags = MP4(io.BytesIO(prefix)).tags  # type: ignore[no-untyped-call]
    except Exception:
        return None, None
    if tags is None:
        return None, None
    return _text(tags.get("\xa9nam")), _text(tags.get("\xa9ART"))


def _text(values: object) -> str | None:
    if not isinstance(values, list) or not values or not isinstance(values[0], str):
        return None
    text = values[0].strip()[:_MAX_TEXT]
    return text or None
