"""A direct link to audio, read from its Content-Type and the file's first bytes.

mutagen reads the tags (ID3, Vorbis comments, iTunes atoms) and the stream header. Most
formats state their length up front (MP4 `mdhd`, FLAC STREAMINFO, WAV's data chunk, an MP3's
Xing/VBRI header); a constant-bit-rate MP3 does not, and mutagen estimates it from the file
size, which for a prefix is the prefix: that estimate is redone from the declared size.
Ogg finds its length on the last page, which a prefix does not have, so it stays unknown.
Embedded cover art becomes a `data:` image reference the media store then keeps.
"""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, datetime
from typing import Any, Final

import mutagen
from mutagen.mp3 import MP3, BitrateMode

from files.formats import subtype_name
from model.record import AudioFile, ImageRef

MAX_ARTWORK_BYTES: Final = 1024 * 1024
_MAX_TEXT: Final = 500
_FORMATS: Final = {
    "MP3": "mp3",
    "FLAC": "flac",
    "OggVorbis": "ogg",
    "OggOpus": "opus",
    "OggFLAC": "ogg",
    "MP4": "m4a",
    "WAVE": "wav",
    "AIFF": "aiff",
}
_CODECS: Final = {"MP3": "mp3", "FLAC": "flac", "OggVorbis": "vorbis", "OggOpus": "opus"}
# Formats whose length comes from a header, so a prefix gives the whole file's duration.
_HEADER_LENGTH: Final = frozenset({"FLAC", "MP4", "WAVE", "AIFF"})
_ARTWORK_TYPES: Final = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}
_DATE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def read_audio(media_type: str, prefix: bytes, *, truncated: bool, size: int | None) -> AudioFile:
    """The record for audio whose first bytes are `prefix` (whole size `size`)."""
    fallback = AudioFile(format=subtype_name(media_type))
    try:
        loaded = mutagen.File(io.BytesIO(prefix))
    except Exception:  # mutagen raises its own errors and struct/index errors on cut files
        return fallback
    if loaded is None:
        return fallback
    try:
        return _record(loaded, truncated=truncated, size=size, fallback=fallback)
    except Exception:
        return fallback


def _record(
    loaded: mutagen.FileType, *, truncated: bool, size: int | None, fallback: AudioFile
) -> AudioFile:
    name = type(loaded).__name__
    info = loaded.info
    duration = _positive(getattr(info, "length", None))
    bit_rate = _positive_int(getattr(info, "bitrate", None))
    if truncated and name not in _HEADER_LENGTH:
        duration = _mp3_length(loaded, size) if name == "MP3" else None
    tags = _easy_tags(loaded)
    return AudioFile(
        format=_FORMATS.get(name, fallback.format),
        duration=round(duration, 3) if duration else None,
        title=tags.get("title"),
        artist=tags.get("artist"),
        album=tags.get("album"),
        creation_date=_date(tags.get("date")),
        bit_rate=bit_rate,
        audio_codec=getattr(info, "codec", None) or _CODECS.get(name),
        sample_rate=_positive_int(getattr(info, "sample_rate", None)),
        channels=_positive_int(getattr(info, "channels", None)),
        album_artwork=_artwork(loaded),
    )


def _mp3_length(loaded: mutagen.FileType, size: int | None) -> float | None:
    """An MP3's length from a prefix: exact from a Xing/VBRI header, else (constant bit
    rate) the declared size over the bit rate, as players estimate it."""
    if not isinstance(loaded, MP3):
        return None
    info: Any = loaded.info
    if info.bitrate_mode in (BitrateMode.VBR, BitrateMode.ABR):
        return _positive(info.length)
    if size and info.bitrate:
        return float(size * 8 / info.bitrate)
    return None


def _easy_tags(loaded: mutagen.FileType) -> dict[str, str]:
    """title, artist, album and date, whichever tag format carried them."""
    tags = loaded.tags
    if tags is None:
        return {}
    keys = {
        "title": ("TIT2", "\xa9nam", "title"),
        "artist": ("TPE1", "\xa9ART", "artist"),
        "album": ("TALB", "\xa9alb", "album"),
        "date": ("TDRC", "\xa9day", "date"),
    }
    found: dict[str, str] = {}
    for field, names in keys.items():
        for name in names:
            text = _first_text(_get(tags, name))
            if text:
                found[field] = text
                break
    return found


def _get(tags: Any, name: str) -> Any:
    try:
        return tags.get(name)
    except Exception:  # ID3 and Vorbis comments key differently; a miss is just a miss
        return None


def _first_text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "text"):  # an ID3 frame
        value = value.text
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()[:_MAX_TEXT]
    return text or None


def _artwork(loaded: mutagen.FileType) -> ImageRef | None:
    data: bytes | None = None
    tags = loaded.tags
    if tags is None:
        return None
    try:
        for key in list(tags.keys()):
            if isinstance(key, str) and key.startswith("APIC"):
                data = bytes(tags[key].data)
                break
        if data is None and "covr" in tags and tags["covr"]:
            data = bytes(tags["covr"][0])
        pictures = getattr(loaded, "pictures", None)
        if data is None and pictures:
            data = bytes(pictures[0].data)
    except Exception:
        return None
    if not data or len(data) > MAX_ARTWORK_BYTES:
        return None
    media_type = next((t for magic, t in _ARTWORK_TYPES.items() if data.startswith(magic)), None)
    if media_type is None:
        return None
    return ImageRef(source_url=f"data:{media_type};base64,{base64.b64encode(data).decode()}")


def _date(value: str | None) -> datetime | None:
    """A full date only: a bare year would need a month and day we would have to invent."""
    match = _DATE.match(value or "")
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:
        return None


def _positive(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _positive_int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and value > 0 else None
