"""The answer for one link: a typed preview or an error."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import PreviewError
from schema.previews import PagePreview, TiktokUserPreview

# Every LinkPreview implementation, plus the error; tests/schema checks they stay in step.
PreviewResult = Annotated[
    TiktokUserPreview | PagePreview | PreviewError,
    strawberry.union(
        "PreviewResult",
        description="A preview (any LinkPreview implementation) or a PreviewError.",
    ),
]
