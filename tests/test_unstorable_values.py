"""A value the database cannot hold is a named refusal (nothing saved), never a raw error:
over-long text and a NUL character, on PostgreSQL (SQLite stores both)."""

from __future__ import annotations

import pytest

from bot.domain.model import Partner
from bot.services.context import Context
from bot.services.errors import ValueNotStorable


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("name", ["x" * 201, "Acme\x00 Cloud"], ids=["201 characters", "NUL"])
def test_unstorable_values_are_refused_and_nothing_is_saved(context: Context, name: str) -> None:
    with pytest.raises(ValueNotStorable) as refused, context.uow() as uow:
        uow.partners.add(Partner("acme", name, "DE", email="s@acme.de"), context.now())
        uow.commit()
    assert "nothing was saved" in str(refused.value).lower()
    with context.uow() as uow:
        assert uow.partners.get("acme") is None
