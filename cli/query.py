"""The operations the CLI sends, so `--json` prints exactly what any client would get."""

from __future__ import annotations

# What a row of the table shows, the same for a preview read and a refresh.
_SELECTION = """
    __typename
    ... on LinkPreview { id ok url finalUrl domain type status title description }
    ... on TiktokUserPreview {
      tiktokUser {
        username name verified profileUrl
        followersCount followingCount likesCount videosCount
      }
    }
    ... on TiktokVideoPreview { tiktokVideo { user { username } playsCount likesCount } }
    ... on YoutubeVideoPreview { youtubeVideo { user { name } duration viewsCount } }
    ... on YoutubeUserPreview { youtubeUser { username name videosCount } }
    ... on XPostPreview { xPost { user { username } likesCount repostsCount } }
    ... on XUserPreview { xUser { username name followersCount } }
    ... on InstagramPostPreview { instagramPost { user { username } likesCount } }
    ... on InstagramUserPreview { instagramUser { username name followersCount } }
    ... on RedditPostPreview { redditPost { subreddit { name } likesCount commentsCount } }
    ... on GithubRepositoryPreview { githubRepository { name starsCount forksCount } }
    ... on AmazonProductPreview { amazonProduct { price currency rating } }
    ... on EtsyProductPreview { etsyProduct { price currency rating } }
    ... on ImagePreview { imageFile { format width height } }
    ... on VideoPreview { video { format width height duration } }
    ... on AudioPreview { audio { format artist duration } }
    ... on DocumentPreview { document { format author pageCount } }
    ... on PreviewError { url code message }
"""

PREVIEWS = f"""
query CliPreviews($urls: [String!]!, $language: LanguageTag) {{
  previews(urls: $urls, language: $language) {{{_SELECTION}  }}
}}
"""

# `--refresh`: fetched again whatever the cache holds, one link per mutation.
REFRESH = f"""
mutation CliRefresh($url: String!, $language: LanguageTag) {{
  refreshPreview(url: $url, language: $language) {{{_SELECTION}  }}
}}
"""
