"""The industries a partner picks for a customer: one short, fixed list.

Broad sectors (after the top level of ISIC Rev. 4, merged where partners would not tell
them apart), so reports group cleanly and nobody types "Retail" three ways. "Other" covers
the rest. The form offers exactly these, and the server accepts nothing else.
"""

from __future__ import annotations

INDUSTRIES: tuple[str, ...] = (
    "Agriculture",
    "Automotive",
    "Construction & real estate",
    "Education",
    "Energy & utilities",
    "Financial services",
    "Government & public sector",
    "Healthcare & life sciences",
    "Hospitality & travel",
    "Internet & software",
    "Logistics & transport",
    "Manufacturing",
    "Media & entertainment",
    "Non-profit",
    "Professional services",
    "Retail & consumer goods",
    "Telecommunications",
    "Other",
)


def is_industry(value: str) -> bool:
    return value in INDUSTRIES
