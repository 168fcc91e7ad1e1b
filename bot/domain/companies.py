"""Company names and email domains, reduced to what two spellings of one company share.

Used to point reviewers at possible duplicates the exact identity rules cannot see.
"""

from __future__ import annotations

import re
import unicodedata

# Legal forms that say nothing about which company it is (compared case-folded, as words;
# the CJK ones as a suffix, since those names have no spaces).
LEGAL_WORDS = frozenset(
    {
        "ab", "ag", "as", "asa", "bv", "bvba", "co", "company", "corp", "corporation",
        "gmbh", "group", "holding", "holdings", "inc", "incorporated", "kg", "kk", "limited",
        "llc", "llp", "lp", "ltd", "ltda", "mbh", "nv", "oy", "oyj", "plc", "pte", "pty",
        "sa", "sarl", "sas", "sl", "spa", "srl", "the", "ug",
    }
)  # fmt: skip
LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "集团",
    "公司",
)

_NOT_WORD = re.compile(r"[^\w]+")


def company_key(name: str) -> str:
    """`Kunde GmbH & Co. KG` and `KUNDE` → `kunde`; `华为技术有限公司` → `华为技术`."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    stripped = True
    while stripped:
        stripped = False
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, stripped = text[: -len(suffix)].rstrip(), True
    # "S.A.", "Co." and "G.m.b.H." lose their dots first, so that they read as one word.
    words = _NOT_WORD.sub(" ", text.replace(".", "")).split()
    kept = [word for word in words if word not in LEGAL_WORDS]
    return " ".join(kept or words)


def email_domain(email: str | None) -> str | None:
    """The part after the last @, lowercased; None without one."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    return domain or None
