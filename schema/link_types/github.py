"""GitHub's typed objects: a repository and its languages."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.link_types.registry import graph_object, link_kind
from schema.link_types.shared import Account
from schema.scalars import Count


@graph_object(record.GithubLanguage)
@strawberry.type(description="A language of a repository and its share of the code.")
class GithubLanguage:
    name: str = strawberry.field(description="The language's name as GitHub writes it (Python).")
    percentage: float | None = strawberry.field(
        description="Share of the repository's code in this language, in percent (0 to 100)."
    )


@link_kind(
    record.GithubRepository,
    key="github_repository",
    preview="A preview of a GitHub repository (type GITHUB_REPOSITORY).",
    field="The repository.",
)
@strawberry.type(description="A GitHub repository.")
class GithubRepository:
    name: str = strawberry.field(description="The repository's full name, owner/name.")
    owner: Account | None = strawberry.field(
        description="The user or organisation that owns the repository."
    )
    description: str | None = strawberry.field(description="The repository's short description.")
    stars_count: Count | None = strawberry.field(description="Stars the repository has.")
    forks_count: Count | None = strawberry.field(description="Forks of the repository.")
    watchers_count: Count | None = strawberry.field(description="Accounts watching it.")
    contributors_count: Count | None = strawberry.field(
        description="Accounts that have contributed commits."
    )
    issues_count: Count | None = strawberry.field(description="Open issues.")
    pull_requests_count: Count | None = strawberry.field(description="Open pull requests.")
    commits_count: Count | None = strawberry.field(description="Commits on the default branch.")
    languages: list[GithubLanguage] = strawberry.field(
        description="The languages of the code, largest share first; empty when not shown."
    )
    topics: list[str] = strawberry.field(
        description="The repository's topic tags; empty when it has none."
    )
    last_commit_date: datetime | None = strawberry.field(
        description="When the latest commit on the default branch was made."
    )
    license: str | None = strawberry.field(
        description="The licence's name as GitHub shows it (MIT License), or its SPDX id."
    )
    homepage: str | None = strawberry.field(
        description="Absolute URL of the project's website, as set on the repository."
    )
