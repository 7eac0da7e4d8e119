"""The store's migrations, registered without importing sqlite-utils.

Importing sqlite-utils costs about a third of a bare Textual app's whole start-up, and opening a
store that is already up to date needs none of it (`Store._migrate` compares the applied names
with plain SQL). `MigrationSet` collects the migration functions as `sqlite_utils.Migrations`
does and builds that object on first real use — applying, listing applied migrations — so
everything else keeps sqlite-utils' API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Migrations

MIGRATIONS_TABLE = "_sqlite_migrations"
"""Where sqlite-utils records applied migrations (columns migration_set, name, applied_at)."""


class MigrationSet:
    """`sqlite_utils.Migrations(name)`, imported when first needed."""

    migrations_table = MIGRATIONS_TABLE

    def __init__(self, name: str) -> None:
        self.name = name
        self._registered: list[tuple[str, Callable[..., None], bool]] = []
        self._real: Migrations | None = None

    def __call__(self, *, name: str | None = None, transactional: bool = True
                 ) -> Callable[[Callable[..., None]], Callable[..., None]]:
        def register(fn: Callable[..., None]) -> Callable[..., None]:
            self._registered.append((name or fn.__name__, fn, transactional))
            if self._real is not None:
                self._real(name=name, transactional=transactional)(fn)
            return fn

        return register

    @property
    def names(self) -> list[str]:
        """The names of the migrations, in the order they apply."""
        return [entry[0] for entry in self._registered]

    def real(self) -> Migrations:
        if self._real is None:
            from sqlite_utils import Migrations

            real = Migrations(self.name)
            for name, fn, transactional in self._registered:
                real(name=name, transactional=transactional)(fn)
            self._real = real
        return self._real

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or attr in ("_registered", "_real", "name"):
            raise AttributeError(attr)
        return getattr(self.real(), attr)
