"""The one operation the CLI sends, so `--json` prints exactly what any client would get."""

from __future__ import annotations

PREVIEWS = """
query CliPreviews($urls: [String!]!) {
  previews(urls: $urls) {
    __typename
    ... on LinkPreview { id ok url finalUrl domain type status title description }
    ... on TiktokUserPreview {
      tiktokUser {
        username name verified profileUrl
        followersCount followingCount likesCount videosCount
      }
    }
    ... on PreviewError { url code message }
  }
}
"""
