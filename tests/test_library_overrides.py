"""The service changes what its libraries do only through their public extension points.

Error codes are given by a Strawberry ``SchemaExtension`` (``schema.errors.CodedErrors``) and
the router's ``process_result``; a subclass that overrode a library's private method (such as
Strawberry's ``MaskErrors._process_errors``, which it once did) breaks silently on the next
release. The one override of a library internal, graphql-core's list completion, is pinned and
proven in ``tests/test_execution.py``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from graphql import GraphQLError

import schema
import server
from schema.errors import CodedErrors

LIBRARIES = ("strawberry", "graphql", "starlette", "fastapi")


def _classes() -> Iterator[type]:
    """Every class defined in the service's schema and server packages."""
    for package in (schema, server):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for _, value in inspect.getmembers(module, inspect.isclass):
                if value.__module__ == module.__name__:
                    yield value


def _written_here(cls: type, value: object) -> bool:
    """Whether ``value`` is a method written in ``cls``'s module (not one a library's class
    decorator put there, as Strawberry's relay does for ``Node._id``)."""
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    elif isinstance(value, property):
        value = value.fget
    return inspect.isfunction(value) and value.__module__ == cls.__module__


def _private_overrides(cls: type) -> list[str]:
    """The private (single-underscore) methods ``cls`` defines over a library base's."""
    library_bases = [b for b in cls.__mro__[1:] if b.__module__.split(".")[0] in LIBRARIES]
    return [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for name, value in vars(cls).items()
        if _written_here(cls, value)
        and name.startswith("_")
        and not name.startswith("__")
        and any(name in vars(base) for base in library_bases)
    ]


def test_no_class_overrides_a_private_method_of_a_library() -> None:
    classes = list(_classes())
    assert CodedErrors in classes  # the walk reaches the error extension
    assert [name for cls in classes for name in _private_overrides(cls)] == []


def test_the_check_sees_a_private_override() -> None:
    from strawberry.extensions import MaskErrors

    class Masking(MaskErrors):
        def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
            return errors  # the kind of override refused

    assert _private_overrides(Masking) == [
        f"{__name__}.test_the_check_sees_a_private_override.<locals>.Masking._process_errors"
    ]


def test_error_codes_come_from_the_public_operation_hook() -> None:
    overridden = {name for name in vars(CodedErrors) if callable(vars(CodedErrors)[name])}
    assert overridden == {"on_operation"}
