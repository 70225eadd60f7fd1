"""The backend over Peekalink's hosted API (client.py) and its JSON's reading (convert.py)."""

from previews.peekalink.client import PeekalinkBackend

__all__ = ["PeekalinkBackend"]
