"""GitHub repositories: `github.com/<owner>/<repo>` and its `/tree/<ref>/<path>` views.

GitHub serves no JSON-LD and keeps its React state in id-less scripts, so the rule reads the
meta GitHub writes for its own analytics, which names the repository exactly:
`octolytics-dimension-repository_nwo` ("owner/name", after any rename or redirect, which is
why it wins over the URL), `octolytics-dimension-user_login`, and `go-import` on older
pages. A `SoftwareSourceCode` JSON-LD object is read first when a page has one. The
description is og:title after "owner/name: " (fully decoded; og:description is escaped twice)
or the `description` meta before " - owner/name". og:image is the owner's avatar when it is
served from avatars.githubusercontent.com (older pages), else a generated social card.

Stars, forks, watchers, languages, topics and the licence are only in body markup, which the
reader hands over as marks (extraction/marks.py): counts from the accessible labels GitHub
writes for screen readers ("964 users starred this repository", exact), else from its
counters' `title` (exact too; the visible "1.2k" is never read); languages from the language
bar's labels (`itemprop="keywords"`, "JavaScript 95.8", always with a decimal); topics from
the "Topic: …" links; the licence from the text of the law icon's link. A page without them
leaves them None.
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

from extraction.jsonld import first_text, first_url, types_of
from extraction.page import ParsedPage
from model.record import Account, GithubLanguage, GithubRepository, LinkType
from sites.base import SiteExtract, SiteRule, match_url, none_of, one_of, url_pattern
from sites.values import as_list, page_image

HOSTS: Final = frozenset({"github.com", "www.github.com"})
RESERVED: Final = frozenset(
    {
        "about", "account", "apps", "collections", "codespaces", "contact", "customer-stories",
        "dashboard", "enterprise", "events", "explore", "features", "issues", "join", "login",
        "logout", "marketplace", "new", "notifications", "organizations", "orgs", "pricing",
        "pulls", "readme", "search", "security", "sessions", "settings", "site", "sponsors",
        "team", "topics", "trending", "users", "copilot", "resources", "solutions", "signup",
    }
)  # fmt: skip
_OWNER: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_REPO: Final = r"[A-Za-z0-9._-]{1,100}"
REPOSITORY_URL: Final = url_pattern(
    one_of(HOSTS)
    + rf"/{none_of(RESERVED)}(?P<owner>{_OWNER})/{none_of(('.', '..'))}(?P<repo>{_REPO})"
    r"(?:/tree/.+)?/?",
)
_NWO: Final = re.compile(rf"{_OWNER}/{_REPO}")
_AVATAR_HOST: Final = re.compile(r"https://avatars\d*\.githubusercontent\.com/")


def repository_path(url: str) -> tuple[str, str] | None:
    """The owner and repository named by a GitHub repository URL, or None."""
    match = match_url(REPOSITORY_URL, url)
    return (match.group("owner"), match.group("repo")) if match else None


def read_repository(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
    path = found.group("owner"), found.group("repo")
    repository = _from_json_ld(page) or _from_meta(page, path)
    if repository is None:
        return None
    repository = _with_marks(repository, page.marks)
    return SiteExtract(
        details=repository,
        title=repository.name,
        description=repository.description,
    )


_COUNT_LABELS: Final = {
    "stars_count": re.compile(r"([0-9][0-9,]{0,14}) users? starred this repository"),
    "forks_count": re.compile(r"([0-9][0-9,]{0,14}) users? forked this repository"),
    "watchers_count": re.compile(r"([0-9][0-9,]{0,14}) users? (?:is|are) watching this repository"),
}
_COUNTERS: Final = {
    "stars_count": ("repo-stars-counter-star", "repo-stars-counter-unstar"),
    "forks_count": ("repo-network-counter",),
    "watchers_count": ("repo-notifications-counter",),
}
_EXACT: Final = re.compile(r"[0-9][0-9,]{0,14}")
_LANGUAGE_LABEL: Final = re.compile(r"(\S(?:.{0,58}\S)?) ([0-9]{1,3}\.[0-9]{1,2})")


def _with_marks(
    repository: GithubRepository, marks: tuple[tuple[str, str], ...]
) -> GithubRepository:
    """`repository` with what the page's body marks say, where it says nothing yet."""
    labels = [value for kind, value in marks if kind == "label"]
    counters = dict(
        value.split("=", 1) for kind, value in marks if kind == "counter" and "=" in value
    )
    changes: dict[str, object] = {}
    for field, pattern in _COUNT_LABELS.items():
        if getattr(repository, field) is not None:
            continue
        count = next(
            (_number(found.group(1)) for label in labels if (found := pattern.fullmatch(label))),
            None,
        )
        if count is None:
            count = next((_number(counters[c]) for c in _COUNTERS[field] if c in counters), None)
        if count is not None:
            changes[field] = count
    if not repository.languages:
        languages = _languages([value for kind, value in marks if kind == "keywords-label"])
        if languages:
            changes["languages"] = languages
    if not repository.topics:
        topics = tuple(dict.fromkeys(value for kind, value in marks if kind == "topic"))
        if topics:
            changes["topics"] = topics
    if repository.license is None:
        license_name = next((value for kind, value in marks if kind == "license"), None)
        if license_name:
            changes["license"] = license_name
    return msgspec.structs.replace(repository, **changes) if changes else repository


def _number(text: str) -> int | None:
    """An exact count as GitHub writes it ("31,946"); a rounded one ("1.2k") is None."""
    return int(text.replace(",", "")) if _EXACT.fullmatch(text) else None


def _languages(labels: list[str]) -> tuple[GithubLanguage, ...]:
    found: dict[str, float] = {}
    for label in labels:
        match = _LANGUAGE_LABEL.fullmatch(label)
        if match is None:
            continue
        share = float(match.group(2))
        if share <= 100 and match.group(1) not in found:
            found[match.group(1)] = share
    if sum(found.values()) > 100.5:  # not a language bar after all
        return ()
    return tuple(GithubLanguage(name=name, percentage=share) for name, share in found.items())


def _from_json_ld(page: ParsedPage) -> GithubRepository | None:
    for obj in page.json_ld:
        if "SoftwareSourceCode" not in types_of(obj):
            continue
        nwo = _nwo_of(first_url(obj, "codeRepository"))
        if nwo is None:
            continue
        owner_login = nwo.split("/", 1)[0]
        license_value = first_url(obj, "license") or first_text(obj, "license")
        return GithubRepository(
            name=nwo,
            owner=Account(username=owner_login, url=f"https://github.com/{owner_login}"),
            description=first_text(obj, "description"),
            license=license_value,
            topics=tuple(k for k in as_list(obj.get("keywords")) if isinstance(k, str) and k),
        )
    return None


def _from_meta(page: ParsedPage, path: tuple[str, str]) -> GithubRepository | None:
    nwo = page.first("octolytics-dimension-repository_nwo")
    if nwo is None or not _NWO.fullmatch(nwo):
        nwo = _nwo_from_go_import(page.first("go-import"))
    if nwo is None:
        return None
    owner_login = page.first("octolytics-dimension-user_login") or nwo.split("/", 1)[0]
    image = page_image(page, page.first("og:image"))
    avatar = image if image is not None and _AVATAR_HOST.match(image.source_url) else None
    return GithubRepository(
        name=nwo,
        owner=Account(username=owner_login, url=f"https://github.com/{owner_login}", avatar=avatar),
        description=_description(page, nwo),
    )


def _description(page: ParsedPage, nwo: str) -> str | None:
    og_title = (page.first("og:title", "twitter:title") or "").strip()
    if og_title.startswith(f"{nwo}: "):
        return og_title[len(nwo) + 2 :].strip() or None
    description = page.first("description", "og:description") or ""
    cut = description.find(f" - {nwo}")
    if cut > 0:
        return description[:cut].strip() or None
    return None


def _nwo_from_go_import(value: str | None) -> str | None:
    """`go-import` reads "github.com/owner/name git https://github.com/owner/name.git"."""
    prefix = (value or "").split(" ", 1)[0]
    if not prefix.startswith("github.com/"):
        return None
    nwo = prefix.removeprefix("github.com/")
    return nwo if _NWO.fullmatch(nwo) else None


def _nwo_of(url: str | None) -> str | None:
    path = repository_path(url) if url else None
    return f"{path[0]}/{path[1].removesuffix('.git')}" if path else None


RULES: Final[tuple[SiteRule, ...]] = (
    SiteRule(
        name="github-repository",
        link_type=LinkType.GITHUB_REPOSITORY,
        url=REPOSITORY_URL,
        extract=read_repository,
        reads_body_marks=True,
    ),
)
