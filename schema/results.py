"""The answer for one link: a typed preview or an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeAlias, Union

import strawberry

from schema.errors import PreviewError
from schema.previews import KIND_PREVIEWS, LinkPreview, PagePreview, UnknownPreview

# Every LinkPreview implementation: the kinds' previews in the registry's order, then PAGE's
# and UNKNOWN's. tests/graph checks the union and the interface stay in step.
PREVIEW_TYPES: tuple[type[LinkPreview], ...] = (
    *KIND_PREVIEWS.values(),
    PagePreview,
    UnknownPreview,
)

if TYPE_CHECKING:
    # The type checker cannot read a union built from a tuple; every member is one of these.
    PreviewResult: TypeAlias = LinkPreview | PreviewError
else:
    PreviewResult = Annotated[
        Union[(*PREVIEW_TYPES, PreviewError)],
        strawberry.union(
            "PreviewResult",
            description="A preview (any LinkPreview implementation) or a PreviewError.",
        ),
    ]
