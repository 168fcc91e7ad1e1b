"""ISO 4217 currencies a deal can be in, from pycountry's copy of the standard."""

from __future__ import annotations

from functools import cache

# ISO 4217 also codes things no deal is priced in: precious metals, bond market units,
# fund and accounting units, the testing code and "no currency".
_NOT_MONEY = frozenset(
    {"XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XAD"}
    | {"XTS", "XXX"}
)


@cache
def currencies() -> dict[str, str]:
    """Code → name, in code order."""
    import pycountry  # slow to load: with the first currency checked, not with the model

    found = {c.alpha_3: c.name for c in pycountry.currencies if c.alpha_3 not in _NOT_MONEY}
    return dict(sorted(found.items()))


def is_currency(code: object) -> bool:
    return isinstance(code, str) and code in currencies()
