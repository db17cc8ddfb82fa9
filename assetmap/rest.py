"""Plumbing every app's API shares: how errors look, how lists are paged, who may call.

Errors have two shapes only: `{"detail": "..."}` for refusals (401, 403, 404, 405...)
and `{"field": ["message", ...]}` for bad input (400), with errors that belong to no
single field under "non_field_errors". The services raise Django's own exceptions with
their message constants; the handler below turns them into DRF's.
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, permissions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from assetmap import roles

MAX_PAGE_SIZE = 200
PAGE_SIZE_TOO_LARGE = f"Ask for at most {MAX_PAGE_SIZE} items a page."
PAGE_SIZE_INVALID = _("The page size is a whole number from 1.")


def django_errors(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> dict:
    """A Django ValidationError as DRF's error body: messages by field, with Django's
    "__all__" and field-less errors under the non-field key. `rename` maps the
    services' field names to the names a request used, where they differ."""
    rename = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, **(rename or {})}
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {rename.get(field, field): messages for field, messages in exc.message_dict.items()}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        # Keep the service's reason: DRF's own conversion replaces it with a generic one.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # `raise ValidationError("...")` outside a serializer gives a bare list.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response


class Pagination(pagination.PageNumberPagination):
    """Fifty a page; `?page_size=` up to 200. Asking for more is an error rather than
    silently getting fewer than asked for, which a client could take for the end."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        try:
            size = int(asked)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_INVALID]})
        if size > self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_TOO_LARGE]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters


class OneStatementPaginator(DjangoPaginator):
    """A page and the total number of rows from one statement: each row carries
    `count(*) OVER ()`, so a search runs once rather than once to count and once for
    the page. The object list gives the rows, as tuples with the count last, by
    `rows(offset, limit)` (assetmap.listings.ListingPages)."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows = self.object_list.rows(bottom, self.per_page)
        if rows:
            self.__dict__["count"] = rows[0][-1]
        elif number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        else:
            self.__dict__["count"] = 0
        return self._get_page(rows, number, self)


class OneStatementPagination(Pagination):
    django_paginator_class = OneStatementPaginator

    def page_json(self, rows: list[str]) -> str:
        """The page's body from rows that are JSON text already, in the shape
        `get_paginated_response` gives."""
        count = self.page.paginator.count
        next_link = json.dumps(self.get_next_link())
        previous_link = json.dumps(self.get_previous_link())
        results = ", ".join(rows)
        return (
            f'{{"count": {count}, "next": {next_link}, "previous": {previous_link}, '
            f'"results": [{results}]}}'
        )


class IsProfessional(permissions.BasePermission):
    """Signed in with a working role (link worker, facilitator, coordinator, staff)."""

    message = "Only people working in the programme can see this."

    def has_permission(self, request, view):
        return roles.is_professional(request.user)


NO_SUCH_ADDRESS = _("There is nothing at this address in the API.")


def not_found(request, *args, **kwargs):
    """Addresses under the API that match nothing: a 404 in the API's shape, not a page."""
    return JsonResponse({"detail": NO_SUCH_ADDRESS}, status=404)
