"""The import template's CSV columns and the escaping of cells against spreadsheet
formulas: what imports (assetmap.importing) and exports (assetmap.exporting) share, so
that an export can be corrected and imported again."""

import re

# The template's columns, in order (docs/imports.md describes each).
COLUMNS = [
    "id",
    "name",
    "kind",
    "description",
    "categories",
    "organisation",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "online_only",
    "contact_name",
    "email",
    "phone",
    "website",
    "cost",
    "cost_description",
    "accessibility",
    "accessibility_notes",
    "languages",
    "audience",
    "focus",
    "age_min",
    "age_max",
    "sessions",
    "status",
    "assured_date",
]


# OWASP's CSV injection advice: a cell starting with one of these is a formula to a
# spreadsheet, so it is sent with a leading single quote, which makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# ...except a plain number: no formula can hide in "-0.0112" (a longitude in east
# London) or "-5", and quoting them would turn every London longitude into text.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?\Z")


_ESCAPED_STARTS = frozenset((*FORMULA_STARTS, QUOTE))


def csv_cell(value: str) -> str:
    """`value` safe to open in a spreadsheet: a formula-like cell gets a leading ',
    and so does a cell already starting with ', so that `csv_uncell` gives back
    exactly what was exported."""
    # Checked first by its first character alone: this runs for every cell.
    if not value or value[0] not in _ESCAPED_STARTS:
        return value
    if value[0] == QUOTE or not PLAIN_NUMBER.match(value):
        return QUOTE + value
    return value


def csv_uncell(value: str) -> str:
    """The cell `csv_cell` escaped, as it was: for the importer reading an export."""
    if value.startswith(QUOTE) and value[1:2] and value[1:2] in (*FORMULA_STARTS, QUOTE):
        return value[1:]
    return value
