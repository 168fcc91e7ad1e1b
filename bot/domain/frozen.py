"""A base for the plain values that must not change once made: events and commands.

Every subclass of `Frozen` is a frozen dataclass by inheritance (PEP 681): its fields are
its annotations, it compares by value and it can be hashed. Saying so once here means no
event or command can be left mutable by a forgotten decorator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, dataclass_transform


@dataclass_transform(frozen_default=True)
class Frozen:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
