"""Loader components: the Reader and Linker protocols and their registries, in the manner of
spaCy's: a profile (data) names a reader and its settings; the reader is code registered here
under that name, with the pydantic model its profile must satisfy. Linkers make cross-document
edges after every document is read, in the order their declared dependencies (`after=`) give.

Readers and linkers import this module and loaders.context; the pipeline imports the readers and
linkers (its explicit list) and nothing imports the pipeline back.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from loaders.context import DocInput, DocResult, LoadContext, Profile


class Reader(Protocol):
    """Reads one document (with its validated profile) into its nodes, edges and warnings."""

    def __call__(self, doc: DocInput[Any], ctx: LoadContext, /) -> DocResult: ...


class Linker(Protocol):
    """Makes edges between documents from what the readers (and the linkers it runs after) made."""

    def __call__(self, ctx: LoadContext, /) -> DocResult: ...


class ComponentError(ValueError):
    """A reader or linker registered wrongly (twice, unknown, or in a dependency cycle)."""


@dataclass(frozen=True)
class ReaderSpec:
    name: str
    read: Reader
    profile: type[Profile]


@dataclass(frozen=True)
class LinkerSpec:
    name: str
    link: Linker
    # Linkers whose results this one must see (or must not: see each declaration's comment).
    after: tuple[str, ...] = ()


S = TypeVar("S", ReaderSpec, LinkerSpec)
R = TypeVar("R", bound=Reader)
L = TypeVar("L", bound=Linker)


class Registry(Generic[S]):
    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, S] = {}

    def _add(self, name: str, spec: S) -> None:
        if name in self._items:
            raise ComponentError(f"{self.what} {name!r} registered twice")
        self._items[name] = spec

    def get(self, name: str) -> S:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(f"unknown {self.what} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._items)


class ReaderRegistry(Registry[ReaderSpec]):
    def __init__(self) -> None:
        super().__init__("reader")

    def register(self, name: str, profile: type[Profile] = Profile) -> Callable[[R], R]:
        """Register a reader under the name profiles give in `reader:`, with its profile's model."""

        def deco(fn: R) -> R:
            self._add(name, ReaderSpec(name, fn, profile))
            return fn

        return deco


class LinkerRegistry(Registry[LinkerSpec]):
    def __init__(self) -> None:
        super().__init__("linker")

    def register(self, name: str, after: Iterable[str] = ()) -> Callable[[L], L]:
        """Register a linker that runs after the linkers named in `after`."""

        def deco(fn: L) -> L:
            self._add(name, LinkerSpec(name, fn, tuple(after)))
            return fn

        return deco

    def order(self) -> list[LinkerSpec]:
        """Every linker after those it declares (a topological order, graphlib's). Linkers with no
        declared dependency between them run by name: neither reads the other's output, so their
        order does not change the graph; a linker that does read another's must declare it."""
        for spec in self._items.values():
            for dep in spec.after:
                if dep not in self._items:
                    raise ComponentError(f"linker {spec.name!r} runs after {dep!r}, which is not a registered linker")
        sorter = graphlib.TopologicalSorter({name: self._items[name].after for name in sorted(self._items)})
        try:
            sorter.prepare()
        except graphlib.CycleError as exc:
            cycle = " → ".join(exc.args[1])
            # graphlib gives the cycle with each linker before the one that declared it in after=.
            raise ComponentError(f"the linkers' after= declarations form a cycle: {cycle}") from None
        out: list[LinkerSpec] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            out.extend(self._items[name] for name in ready)
            sorter.done(*ready)
        return out


readers = ReaderRegistry()
# Linkers run after every document is read (cross-document edges).
linkers = LinkerRegistry()
