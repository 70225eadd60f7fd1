"""What an operation asks of its previews that costs more than reading the page: read from
its document, so that the service does that work only for operations that select it.

Today that is the screenshot (it starts a browser): selecting a `screenshot` field under a
preview wants it always; selecting a preview's `image` wants it for pages that have no image
of their own, since that image is then the screenshot.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from model.record import Shoot

_PREVIEW_FIELDS = frozenset({"preview", "previews", "refreshPreview"})


def screenshot_want(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> Shoot:
    want = Shoot.NEVER
    for root in _fields(operation.selection_set, fragments, set()):
        if root.name.value not in _PREVIEW_FIELDS or root.selection_set is None:
            continue
        if any(f.name.value == "screenshot" for f in _every_field(root.selection_set, fragments)):
            return Shoot.ALWAYS
        if any(f.name.value == "image" for f in _fields(root.selection_set, fragments, set())):
            want = Shoot.IF_NO_IMAGE
    return want


def _fields(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterator[FieldNode]:
    """The fields selected at this level, fragments expanded (each named one once)."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                seen.add(name)
                yield from _fields(fragment.selection_set, fragments, seen)


def _every_field(
    selections: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    """Every field at any depth below `selections`."""
    seen: set[str] = set()
    pending = [selections]
    while pending:
        for field in _fields(pending.pop(), fragments, seen):
            yield field
            if field.selection_set is not None:
                pending.append(field.selection_set)
