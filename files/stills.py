"""Pictures and peaks decoded from the first bytes of a video or audio file, with FFmpeg
through PyAV (its wheels ship FFmpeg, so no system package is needed).

Only the bytes the link's probe already read are decoded: a video's poster and snapshots
come from its first seconds, an audio file's waveform is that of its beginning. A container
whose index sits at the end (an MP4 with `moov` last) cannot be opened from its head; it
keeps the metadata its headers gave and has no frame, which is not an error.

These functions run in a child process (files/isolated.py): FFmpeg on hostile bytes can be
slow or greedy, and only a process can be stopped.
"""

from __future__ import annotations

import io
from array import array
from dataclasses import dataclass
from typing import Final

import av
import av.error
from PIL import Image

# A picture larger than this is not decoded at all (its frames alone would be the bomb).
MAX_PIXELS: Final = 4096 * 2304
# Frames decoded at most, whatever the container says: the time bound in frames.
MAX_DECODED_FRAMES: Final = 900
# Snapshots are at least this far apart, so that they show different moments.
SNAPSHOT_SPACING: Final = 1.0  # seconds
MAX_SNAPSHOTS: Final = 4
# Stills are scaled down to this width; the media store makes the smaller renditions.
STILL_WIDTH: Final = 1280
WAVEFORM_PEAKS: Final = 100
_WAVEFORM_RATE: Final = 8000  # samples per second: plenty for a drawing of peaks
_MAX_WAVEFORM_SAMPLES: Final = _WAVEFORM_RATE * 600


@dataclass(frozen=True, slots=True)
class Stills:
    """JPEG bytes: the poster (the first frame) and up to MAX_SNAPSHOTS later ones."""

    poster: bytes | None
    snapshots: tuple[bytes, ...] = ()


def video_stills(data: bytes) -> Stills:
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError, EOFError):
        return Stills(None)
    with container:
        if not container.streams.video:
            return Stills(None)
        stream = container.streams.video[0]
        if stream.width * stream.height > MAX_PIXELS or stream.width <= 0:
            return Stills(None)
        kept: list[bytes] = []
        last_time: float | None = None
        try:
            for count, frame in enumerate(container.decode(stream)):
                if count >= MAX_DECODED_FRAMES or len(kept) > MAX_SNAPSHOTS:
                    break
                moment = frame.time if frame.time is not None else float(count)
                if last_time is None or moment - last_time >= SNAPSHOT_SPACING:
                    kept.append(_jpeg(frame.to_image()))  # type: ignore[no-untyped-call]
                    last_time = moment
        except (av.error.FFmpegError, EOFError, ValueError):
            pass  # the head ends mid-frame: what was decoded stands
    if not kept:
        return Stills(None)
    return Stills(kept[0], tuple(kept[1:]))


def audio_peaks(data: bytes) -> tuple[float, ...] | None:
    """About WAVEFORM_PEAKS peaks in 0–1 (1 is full scale) over the decoded beginning, or
    None when too little could be decoded to draw."""
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError, EOFError):
        return None
    samples = array("h")
    with container:
        if not container.streams.audio:
            return None
        resampler = av.AudioResampler(format="s16", layout="mono", rate=_WAVEFORM_RATE)
        try:
            for frame in container.decode(container.streams.audio[0]):
                for mono in resampler.resample(frame):
                    samples.frombytes(bytes(mono.planes[0])[: mono.samples * 2])
                if len(samples) >= _MAX_WAVEFORM_SAMPLES:
                    break
        except (av.error.FFmpegError, EOFError, ValueError):
            pass  # the prefix ends mid-frame
    return peaks(samples, WAVEFORM_PEAKS)


def peaks(samples: array[int], count: int) -> tuple[float, ...] | None:
    """The largest absolute sample of each of `count` equal slices, as a share of full
    scale, rounded to three places."""
    if len(samples) < count:
        return None
    size = len(samples) / count
    result = []
    for index in range(count):
        chunk = samples[int(index * size) : int((index + 1) * size)]
        loudest = max(max(chunk), -min(chunk)) if chunk else 0
        result.append(round(min(loudest / 32768, 1.0), 3))
    return tuple(result)


def _jpeg(image: Image.Image) -> bytes:
    if image.width > STILL_WIDTH:
        image = image.resize((STILL_WIDTH, max(1, image.height * STILL_WIDTH // image.width)))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()
