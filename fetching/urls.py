"""URL rules and normalisation: what the service agrees to fetch, in canonical form.

INTERFACE STUB: the implementation lands with the safe-fetching work.
"""

from __future__ import annotations


def normalize_url(raw: str) -> str:
    """Return the canonical form of `raw` (lower-cased scheme and IDNA host, default port and
    fragment dropped), or raise FetchError LINK_INVALID_URL / LINK_BLOCKED.

    The canonical form is the cache and DataLoader key, and the preview's `id` derives from it.
    """
    raise NotImplementedError
