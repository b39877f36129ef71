"""Order expressions that give the same order on SQLite and PostgreSQL.

The backends differ on where NULLs go and on how text collates; these helpers make both explicit:
NULLs always last, text by Unicode code point.
"""

from django.db import connections
from django.db.models import F, OrderBy
from django.db.models.functions import Collate

_CODE_POINT_COLLATION = {"postgresql": "C"}  # SQLite's default BINARY already is code-point order


def ordered(field: str, *, descending: bool = False, text: bool = False, using: str) -> OrderBy:
    """``field`` ascending or descending, NULLs last, text compared by code point."""
    expression: F | Collate = F(field)
    collation = _CODE_POINT_COLLATION.get(connections[using].vendor) if text else None
    if collation:
        expression = Collate(expression, collation)
    if descending:
        return expression.desc(nulls_last=True)
    return expression.asc(nulls_last=True)
