"""The media URL scheme: `<public_url>/media/<signature>/<key>/<variant>.<ext>`.

`key` is the stored rendition's sha256, `variant` one of thumbnail, medium, large, original
or icon (`ext` jpeg, webp or png), or text, markdown or article for a page's main text
(`ext` txt, md, html); the signature covers `<key>/<variant>.<ext>`. URLs are
permanent: the bytes behind a key never change, which is what lets the route answer with an
immutable one-year Cache-Control.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from media.signing import MediaSigner
from media.store import CONTENT_TYPES, is_media_key

VARIANT_NAMES = frozenset(
    {"thumbnail", "medium", "large", "original", "icon", "text", "markdown", "article"}
)


@dataclass(frozen=True, slots=True)
class MediaPath:
    key: str
    variant: str
    extension: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


class MediaUrls:
    def __init__(self, public_url: str, signer: MediaSigner) -> None:
        self._base = public_url.rstrip("/") + "/media"
        self._signer = signer
        self._keys = re.compile(re.escape(self._base) + r"/[A-Za-z0-9_-]+/([0-9a-f]{64})/")

    def keys_in(self, text: str) -> set[str]:
        """The stored keys that media URLs of ours in `text` name (a record, as JSON)."""
        return set(self._keys.findall(text))

    def url(self, key: str, variant: str, extension: str) -> str:
        tail = f"{key}/{variant}.{extension}"
        return f"{self._base}/{self._signer.sign(tail)}/{tail}"

    def resolve(self, signature: str, key: str, filename: str) -> MediaPath | None:
        """The path a URL names if it is well formed and carries our signature, else None."""
        variant, dot, extension = filename.partition(".")
        if not (
            dot
            and variant in VARIANT_NAMES
            and extension in CONTENT_TYPES
            and is_media_key(key)
            and len(signature) < 64
        ):
            return None
        if not self._signer.verify(signature, f"{key}/{filename}"):
            return None
        return MediaPath(key, variant, extension)
