"""What the repositories of a model stored as one row, keyed by an integer id, share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session


class Identified(Protocol):
    @property
    def id(self) -> int | None: ...


M = TypeVar("M", bound=Identified)
R = TypeVar("R")


class ById(Generic[M, R]):
    """get (optionally locked), insert and save, through the model's row mapping."""

    def __init__(
        self,
        session: Session,
        row_type: type[R],
        from_row: Callable[[R], M],
        to_row: Callable[[M, R], Any],
    ) -> None:
        self.session = session
        self._row_type = row_type
        self._from_row = from_row
        self._to_row = to_row

    def get(self, id: int, *, lock: bool = False) -> M | None:
        row = self.session.get(self._row_type, id, with_for_update=lock)
        return self._from_row(row) if row else None

    def _insert(self, model: M) -> int:
        """The new row's id. In a savepoint: when a unique constraint refuses the row
        (IntegrityError, for the caller to answer), the transaction goes on."""
        row: Any = self._to_row(model, self._row_type())
        with self.session.begin_nested():
            self.session.add(row)
        return int(row.id)

    def save(self, model: M) -> None:
        assert model.id is not None
        self._to_row(model, self.session.get_one(self._row_type, model.id))
        self.session.flush()
