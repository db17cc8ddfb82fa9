"""The OpenAPI document's generator: drf-spectacular's, plus the API's error answers.

Kept apart from assetmap.rest because DRF imports that module while it loads its own
settings, and drf-spectacular's generator imports DRF's views.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "description": 'Messages by field or parameter; "non_field_errors" for the rest.',
    "additionalProperties": {"type": "array", "items": {}},
}


def _error(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(SpectacularAutoSchema):
    """Adds the error answers the API gives, in the shapes above, to every operation
    that can give them, so clients (and schemathesis) know every status to expect."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        is_detail = "{" in self.path
        errors = {}
        if method in ("POST", "PUT", "PATCH") or not is_detail:
            errors["400"] = _error("Bad input.", _FIELD_ERRORS)
        # A bad token is refused anywhere; a refusal says why.
        errors["401"] = _error("Not signed in, or the token is not valid.", _DETAIL)
        errors["403"] = _error("Not allowed; `detail` says why.", _DETAIL)
        if is_detail:
            errors["404"] = _error("No such item, or not one you may see.", _DETAIL)
        elif method == "GET" and self._is_list_view() and self._get_paginator():
            errors["404"] = _error("No such page: past the last one.", _DETAIL)
        if getattr(self.view, "throttle_classes", None):
            errors["429"] = _error("Too many requests: try again later.", _DETAIL)
        for status, response in errors.items():
            responses.setdefault(status, response)
        return responses
