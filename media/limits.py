"""The caps every image passes through, in one place so settings map onto them one to one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Bounds on what one image may cost.

    `max_pixels` is checked from the header, before any pixel is decoded: a 32 Mpx RGBA
    frame is already 128 MB of memory, and `concurrency` of them may be in flight. GIFs get a
    lower cap because Pillow composites every GIF frame at the full logical-screen size.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 32_000_000
    max_gif_pixels: int = 10_000_000
    max_gif_frames: int = 2_000
    concurrency: int = 2
    # Manifests are a few KB of JSON; anything larger is not a manifest worth reading.
    max_manifest_bytes: int = 128 * 1024
    # Icons are drawn at 16 to 64 points; 256 px covers a 4x screen and keeps files small.
    max_icon_size: int = 256

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_pixels", "max_gif_pixels", "max_gif_frames"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.concurrency <= 0:
            raise ValueError("concurrency must be positive")
