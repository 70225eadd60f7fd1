"""Which graph type each record struct becomes, declared where the graph type is written.

A graph type names its record with a decorator, so a link kind's graph side is one class in
its platform's module: `schema.previews` derives the `<Kind>Preview` types and the
`PreviewResult` union from `LINK_KINDS`, and `schema.mapping` converts records with
`GRAPH_OBJECTS`. Nothing here lists kinds; the model's `Details` registry does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

import msgspec

from model.record import Details

Graph = TypeVar("Graph", bound=type)


@dataclass(frozen=True, slots=True)
class LinkKind:
    """The graph side of one link kind: its typed object and the preview that carries it.

    `key` is Peekalink's name for the object (`tiktok_user`), the preview's field; `preview`
    and `field` describe the preview type and that field in the schema.
    """

    record: type[Details]
    graph: type
    key: str
    preview: str
    field: str


# Every record struct with a graph type (typed objects and the shapes nested in them).
GRAPH_OBJECTS: Final[dict[type[msgspec.Struct], type]] = {}
# The graph side of every link kind with a typed object, by its record struct.
LINK_KINDS: Final[dict[type[Details], LinkKind]] = {}


def graph_object(record: type[msgspec.Struct]) -> Callable[[Graph], Graph]:
    """Declare the decorated graph type as what `record` becomes wherever it appears."""

    def register(graph: Graph) -> Graph:
        if record in GRAPH_OBJECTS:
            raise TypeError(f"{record.__name__} already has a graph type")
        GRAPH_OBJECTS[record] = graph
        return graph

    return register


def link_kind(
    record: type[Details], *, key: str, preview: str, field: str
) -> Callable[[Graph], Graph]:
    """Declare the decorated graph type as a link kind's typed object (see LinkKind)."""

    def register(graph: Graph) -> Graph:
        graph_object(record)(graph)
        LINK_KINDS[record] = LinkKind(record, graph, key, preview, field)
        return graph

    return register
