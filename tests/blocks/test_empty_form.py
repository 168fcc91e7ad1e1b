"""The form /preregister opens is built once per country and is the form itself."""

from __future__ import annotations

from bot.blocks.preregister import COUNTRY, empty_form, preregister_modal


def test_the_shared_form_is_the_fresh_one_with_the_partners_country_chosen() -> None:
    for country in ("DE", "FR", "US"):
        shared = empty_form(country)
        assert shared == preregister_modal(country)
        assert empty_form(country) is shared  # built once
        chosen = next(b for b in shared["blocks"] if b.get("block_id") == COUNTRY)
        assert chosen["element"]["initial_option"]["value"] == country
    assert empty_form("DE") != empty_form("FR")
