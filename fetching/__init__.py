"""The guarded HTTP client: every byte this service fetches from the outside goes through here."""

from fetching.client import FetchPolicy, SafeFetcher
from fetching.errors import FetchError
from fetching.reading import BodyLimit
from fetching.response import FetchedResponse
from fetching.urls import normalize_url

__all__ = [
    "BodyLimit",
    "FetchError",
    "FetchPolicy",
    "FetchedResponse",
    "SafeFetcher",
    "normalize_url",
]
