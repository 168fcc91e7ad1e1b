"""The fast form decoding gives parse_qsl's answer for any text, well-formed or not."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote_plus, urlencode

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.preregister import FormValues, preregister_modal
from bot.web.form_decode import form_fields

# Text built from the pieces that matter: escapes (good, bad, cut short, of invalid UTF-8),
# backslashes, pluses, separators, and any character at all.
PIECES = st.one_of(
    st.sampled_from(["%", "%2", "%41", "%zz", "%5C", "%5c", "%C3%A4", "%C3", "%FF", "%25"]),
    st.sampled_from(["\\", "\\x41", "+", "&", "=", "&&", "==", ";", "\x00", "%00"]),
    st.text(max_size=3),
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_text_decodes_as_parse_qsl_decodes_it(text: str) -> None:
    assert form_fields(text) == dict(parse_qsl(text, keep_blank_values=True))


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=40), max_size=5))
def test_encoded_fields_come_back_as_they_were(fields: dict[str, str]) -> None:
    assert form_fields(urlencode(fields)) == fields


def test_a_submitted_view_comes_back_whole() -> None:
    view = preregister_modal("DE", FormValues(country="DE", customer_name='Ä & "<b>" \\ 100%'))
    payload = json.dumps({"type": "view_submission", "view": view})
    fields = form_fields("payload=" + quote_plus(payload))
    assert json.loads(fields["payload"]) == {"type": "view_submission", "view": view}
