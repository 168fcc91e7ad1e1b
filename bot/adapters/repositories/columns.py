"""Fields that a model and its row name alike, copied by name.

Where a column and the model's field share a name they hold the same value; each mapping
lists those names once, for both directions, and spells out only the columns that convert.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from bot.domain.model import Customer

T = TypeVar("T")


def named(source: object, names: Iterable[str]) -> dict[str, Any]:
    """`source`'s values of `names`, as keyword arguments for the other side."""
    return {name: getattr(source, name) for name in names}


def copy_named(source: object, target: T, names: Iterable[str]) -> T:
    for name in names:
        setattr(target, name, getattr(source, name))
    return target


CONTACT = ("country", "email", "mobile")
"""What every row that stores a customer names as the customer does (the name is
`customer_name` there)."""


def customer_from_row(row: Any, names: Iterable[str] = CONTACT) -> Customer:
    return Customer(name=row.customer_name, **named(row, names))


def customer_to_row(customer: Customer, row: Any, names: Iterable[str] = CONTACT) -> None:
    row.customer_name = customer.name
    copy_named(customer, row, names)
