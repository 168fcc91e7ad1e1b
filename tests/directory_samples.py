"""The directory CSV samples the import tests read: good and mixed files and their bad lines."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "directory_mixed.csv"
HEADER = (
    "email,mobile,name,site,registered_at,country,associated_partner_id,"
    "has_contract,has_spend,direct_sales_followup,online_sales"
)
BAD_LINES = {
    4: 'bad email "foo@": there must be something after the @-sign',
    5: 'bad registered_at "2026-02-30": expected an ISO 8601 date',
    6: 'bad site "eu": expected intl, cn or empty',
    7: 'bad has_contract "yes": expected true, false or empty',
    8: "needs an email or a mobile",
    9: 'bad country "XX": expected an ISO 3166-1 alpha-2',
    11: 'bad email "gus@@x"',
    12: "same account (email) as line 2",
    15: "expected 11 fields, found 10",
}
