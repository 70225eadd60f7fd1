"""The one exception the image pipeline raises for an image it will not keep."""

from __future__ import annotations


class ImageRejectedError(Exception):
    """An image refused by policy or unreadable; `reason` is a short stable code for logs
    and tests ("unsupported", "too_many_pixels", "corrupt", ...), never shown to clients."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
