"""The GraphQL documents the bench sends: every field of a preview, as a client drawing a full
card would select it, so that the figures are for the heaviest realistic answer."""

from __future__ import annotations

import json
from collections.abc import Sequence

FIELDS = """
fragment Sizes on ResponsiveImage {
  sourceUrl srcset placeholder dominantColor
  thumbnail { url width height }
  medium { url width height }
  large { url width height }
  original { url width height }
}
fragment Fields on PreviewResult {
  __typename
  ... on LinkPreview {
    id ok url finalUrl domain type status updatedAt size redirected title description
    icon { url width height backgroundColor }
    image { ...Sizes }
  }
  ... on TiktokUserPreview {
    tiktokUser {
      id username name bio url profileUrl
      followersCount followingCount likesCount videosCount visibility verified
      avatar { ...Sizes }
    }
  }
  ... on PreviewError { url code message errorStatus: status }
}
"""

ONE = "query One($url: String!) { preview(url: $url) { ...Fields } }" + FIELDS
MANY = "query Many($urls: [String!]!) { previews(urls: $urls) { ...Fields } }" + FIELDS


def one(url: str) -> bytes:
    """The request body of a `preview(url:)` query."""
    return json.dumps({"query": ONE, "variables": {"url": url}}).encode()


def many(urls: Sequence[str]) -> bytes:
    """The request body of a `previews(urls:)` query."""
    return json.dumps({"query": MANY, "variables": {"urls": list(urls)}}).encode()
