"""An execution context that completes plain-data objects without graphql-core's per-field
machinery.

Our preview types are records: every field reads an attribute, takes no argument and has no
resolver of its own. graphql-core still builds a path, a resolve info and a Strawberry info,
calls a resolver wrapper and walks `complete_value` for each of the ~60 fields of a preview,
which is most of a warm request's time. Here an object whose selected fields are all such
plain fields is completed by reading the attributes and coercing leaves directly, in one loop
over a plan. A plan is built once per selection: the parser cache hands every request that
sends a document the same nodes, so a selection with no directive and no fragment argument
(its fields the same whatever the variables) keeps its plan across requests; any other is
planned per request, with that request's variables. A middleware or @defer means the stock
path throughout.

The fast path never reports an error itself. Anything it is not sure to complete exactly as
graphql-core would (a null in a non-null position, a value a scalar refuses, an awaitable, a
type whose `is_type_of` says no) abandons the fast attempt for that object, before any error
is recorded, and the stock path completes it again from the start, so errors, their paths and
the nulls they cause are graphql-core's own. Reading a plain attribute has no side effect, so
the second attempt sees what the first did.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    GraphQLUnionType,
    InlineFragmentNode,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_TYPENAME = "__typename"
# Strawberry's resolver for a field with no resolver, no extension and no exception handler.
_BASIC_RESOLVER = "_get_basic_result"
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


# Plans of selections that read no variable, shared by every request sending the document.
_SHARED_PLANS: dict[
    tuple[GraphQLObjectType, tuple[int, ...]], tuple[FieldDetailsList, _Plan | None]
] = {}
_MAX_SHARED_PLANS = 4096


class _NotPlainError(Exception):
    """The fast path met a value only the stock path completes exactly."""


@dataclass(frozen=True, slots=True)
class _Field:
    """One selected field of a plain object, ready to complete."""

    name: str  # the response name (alias or field name)
    read: Callable[[Any], Any] | None  # None for __typename
    non_null: bool
    # The field's type without its outer NonNull; `leaf` set when that is a scalar or enum.
    output: GraphQLOutputType
    leaf: GraphQLLeafType | None
    # The Python type whose values `leaf` returns unchanged, when there is one.
    same: type | None
    definition: GraphQLField | None
    details: FieldDetailsList


@dataclass(frozen=True, slots=True)
class _Plan:
    type: GraphQLObjectType
    type_name: str
    fields: tuple[_Field, ...]


def _reader(definition: GraphQLField) -> Callable[[Any], Any] | None:
    """How to read a plain field's value from its source, or None when it is not plain."""
    resolve = definition.resolve
    if resolve is None or getattr(resolve, "__name__", None) != _BASIC_RESOLVER:
        return None
    field = definition.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or not field.is_basic_field:
        return None
    if field.default_resolver is builtins.getattr:
        return operator.attrgetter(field.python_name)
    basic = resolve
    return lambda source: basic(source, None)


def _same_type(leaf: GraphQLLeafType) -> type | None:
    """Values of this Python type pass through `leaf.coerce_output_value` unchanged."""
    if leaf is GraphQLString or leaf is GraphQLID:
        return str
    if leaf is GraphQLBoolean:
        return bool
    return None


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with plain objects completed in one loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # A field middleware must see every field: then only the stock path will do.
        self._fast = manager is None or not manager.middlewares
        # Plans by (type, field group); the group is kept alive so its id is not reused.
        self._plans: dict[tuple[str, int], tuple[FieldDetailsList, _Plan | None]] = {}

    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._fast and position_context is None:
            plan = self._plan(return_type, field_details_list)
            if plan is not None:
                try:
                    return self._object(plan, result, path)
                except Exception:  # the stock path below reports it exactly
                    pass
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _plan(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> _Plan | None:
        key = (object_type.name, id(details))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        plan = self._shared_plan(object_type, details)
        self._plans[key] = (details, plan)
        return plan

    def _shared_plan(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> _Plan | None:
        """The plan of a selection that reads no variable, built by the first request that
        sends its document: the parser cache hands every request the same nodes."""
        key = (object_type, tuple(id(item.node) for item in details))
        shared = _SHARED_PLANS.get(key)
        if shared is not None:
            return shared[1]
        if not self._static(details):
            return self._build_plan(object_type, details)
        plan = self._build_plan(object_type, details)
        if len(_SHARED_PLANS) >= _MAX_SHARED_PLANS:
            _SHARED_PLANS.clear()
        # The nodes stay alive with the entry, so their ids are not reused while it exists.
        _SHARED_PLANS[key] = (details, plan)
        return plan

    def _static(self, details: FieldDetailsList) -> bool:
        """Whether the fields collected under `details` are the same for any variables: no
        directive (@skip, @include, @defer) and no fragment argument on the way."""
        pending = [item.node.selection_set for item in details]
        seen: set[str] = set()
        while pending:
            selection_set = pending.pop()
            if selection_set is None:
                continue
            for selection in selection_set.selections:
                if selection.directives:
                    return False
                if isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if selection.arguments:
                        return False
                    if name in seen:
                        continue
                    seen.add(name)
                    fragment = self.fragment_definitions.get(name)
                    if fragment is None or fragment.directives or fragment.variable_definitions:
                        return False
                    pending.append(fragment.selection_set)
        return True

    def _build_plan(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> _Plan | None:
        grouped, defer_usages, forbidden = self.collect_subfields(object_type, details)
        if defer_usages or forbidden:
            return None
        fields: list[_Field] = []
        for name, group in grouped.items():
            node = group[0].node
            if any(d.fragment_variable_values is not None or d.defer_usage for d in group):
                return None
            if node.arguments or any(d.node.directives for d in group):
                return None
            field_name = node.name.value
            if field_name == _TYPENAME:
                fields.append(_Field(name, None, True, object_type, None, None, None, group))
                continue
            definition = self.schema.get_field(object_type, field_name)
            if definition is None:
                continue  # graphql-core leaves it out of the response too
            read = _reader(definition) if not definition.args else None
            if read is None:
                return None
            field = self._field(name, read, definition, group)
            if field is None:
                return None
            fields.append(field)
        return _Plan(object_type, object_type.name, tuple(fields))

    def _field(
        self,
        name: str,
        read: Callable[[Any], Any],
        definition: GraphQLField,
        group: FieldDetailsList,
    ) -> _Field | None:
        type_ = definition.type
        non_null = isinstance(type_, GraphQLNonNull)
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        # An object type inside (through lists) must be plain too, or the field is not.
        named = type_
        while isinstance(named, (GraphQLList, GraphQLNonNull)):
            named = named.of_type
        if isinstance(named, GraphQLObjectType) and self._plan(named, group) is None:
            return None
        leaf = type_ if isinstance(type_, GraphQLLeafType) else None
        same = _same_type(leaf) if leaf is not None else None
        return _Field(name, read, non_null, type_, leaf, same, definition, group)

    def _object(self, plan: _Plan, source: Any, path: Path) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in plan.fields:
            read = field.read
            if read is None:
                data[field.name] = plan.type_name
                continue
            value = read(source)
            if value is None:
                if field.non_null:
                    raise _NotPlainError
                data[field.name] = None
            elif field.leaf is not None:
                if type(value) is field.same:
                    data[field.name] = value
                else:
                    data[field.name] = self._leaf(field.leaf, value)
            else:
                field_path = Path(path, field.name, plan.type_name)
                data[field.name] = self._value(field.output, value, field, plan, field_path)
        return data

    def _leaf(self, leaf: GraphQLLeafType, value: Any) -> Any:
        if type(value) is int and leaf is GraphQLInt and _INT_MIN <= value <= _INT_MAX:
            return value
        if self.is_awaitable(value):
            raise _NotPlainError
        coerced = leaf.coerce_output_value(value)
        if coerced is None or coerced is Undefined:
            raise _NotPlainError
        return coerced

    def _value(
        self, type_: GraphQLOutputType, value: Any, field: _Field, parent: _Plan, path: Path
    ) -> Any:
        """A non-null `value` of nullable `type_` (a list, leaf, object or abstract type)."""
        if isinstance(type_, GraphQLList):
            return self._list(type_, value, field, parent, path)
        if isinstance(type_, GraphQLLeafType):
            return self._leaf(type_, value)
        if self.is_awaitable(value):
            raise _NotPlainError
        info: GraphQLResolveInfo[Any] | None = None
        if isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType)):
            info = self._info(field, parent, path)
            resolve_type = type_.resolve_type or self.type_resolver
            runtime = resolve_type(value, info, type_)
            if self.is_awaitable(runtime):
                close = getattr(runtime, "close", None)
                if close is not None:
                    close()
                raise _NotPlainError
            object_type = self.ensure_valid_runtime_type(runtime, type_, field.details, info, value)
        elif isinstance(type_, GraphQLObjectType):
            object_type = type_
        else:
            raise _NotPlainError
        is_type_of = object_type.is_type_of
        if is_type_of is not None:
            info = info or self._info(field, parent, path)
            matches = is_type_of(value, info)
            if self.is_awaitable(matches):
                close = getattr(matches, "close", None)
                if close is not None:
                    close()
                raise _NotPlainError
            if not matches:
                raise _NotPlainError
        plan = self._plan(object_type, field.details)
        if plan is None:
            raise _NotPlainError
        return self._object(plan, value, path)

    def _list(
        self, type_: GraphQLList[Any], value: Any, field: _Field, parent: _Plan, path: Path
    ) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise _NotPlainError
        item_type: GraphQLOutputType = type_.of_type
        non_null = isinstance(item_type, GraphQLNonNull)
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        items: list[Any] = []
        for index, item in enumerate(value):
            if item is None:
                if non_null:
                    raise _NotPlainError
                items.append(None)
            else:
                items.append(self._value(item_type, item, field, parent, Path(path, index, None)))
        return items

    def _info(self, field: _Field, parent: _Plan, path: Path) -> GraphQLResolveInfo[Any]:
        assert field.definition is not None  # __typename is never completed as a value
        nodes = [details.node for details in field.details]
        return self.build_resolve_info(field.definition, nodes, parent.type, path)
