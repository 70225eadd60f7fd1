"""The CPU-bound part of one ingest, as plain functions the service runs in its executor:
decode once, then derive everything the record needs from that one frame."""

from __future__ import annotations

from dataclasses import dataclass

from media.colors import dominant_color, icon_background, placeholder
from media.decode import decode_image
from media.limits import ImageLimits
from media.variants import Rendition, encode_icon, render_variants


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    width: int
    height: int
    renditions: dict[str, Rendition]
    placeholder: str
    dominant_color: str | None


@dataclass(frozen=True, slots=True)
class ProcessedIcon:
    rendition: Rendition
    background_color: str | None


def process_image(data: bytes, limits: ImageLimits) -> ProcessedImage:
    decoded = decode_image(data, limits)
    frame = decoded.image
    return ProcessedImage(
        width=decoded.width,
        height=decoded.height,
        renditions=render_variants(frame),
        placeholder=placeholder(frame),
        dominant_color=dominant_color(frame),
    )


def process_icon(data: bytes, limits: ImageLimits) -> ProcessedIcon:
    decoded = decode_image(data, limits)
    return ProcessedIcon(
        rendition=encode_icon(decoded.image, limits.max_icon_size),
        background_color=icon_background(decoded.image),
    )
