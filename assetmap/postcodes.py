"""UK postcodes: normalising what people type into the form Royal Mail prints."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Outward code (area, district, optional sub-district letter) and inward code
# (sector digit, two unit letters), plus the one non-geographic oddity GIR 0AA.
_POSTCODE = re.compile(
    r"^(?:GIR ?0AA"
    r"|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) ?\d[ABD-HJLNP-UW-Z]{2})$"
)
INVALID_POSTCODE = _("Enter a full UK postcode, for example E3 3ES.")


def normalise_postcode(value: str) -> str:
    """Return `value` as an upper-case postcode with one space, or raise ValidationError.

    "e33es", " E3  3ES " and "e3 3es" all become "E3 3ES".
    """
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5 or not _POSTCODE.match(compact):
        raise ValidationError(INVALID_POSTCODE, code="invalid_postcode")
    return f"{compact[:-3]} {compact[-3:]}"
