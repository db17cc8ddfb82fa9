"""Locking out repeated failed sign-ins (django-axes), for the pages and the API alike.

Axes counts failures through Django's `authenticate()` and refuses a locked-out one in
its backend. For the pages, its middleware then swaps the response for
`lockout_response`. The API's token view gets a DRF Request, on which axes marks the
lockout where the middleware never looks, so `ObtainAuthToken` below checks the mark
itself and answers with the API's usual `{"detail": ...}`.
"""

import math

from axes.helpers import get_client_ip_address
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.authtoken import views as authtoken_views
from rest_framework.authtoken.models import Token
from rest_framework.response import Response


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed attempts to sign in. Try again in %(minutes)d minute.",
        "Too many failed attempts to sign in. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The page axes shows instead of the sign-in form once it has locked it."""
    return render(
        request,
        "registration/locked_out.html",
        {"message": locked_out_message(), "minutes": cool_off_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class LockedOut(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"

    def __init__(self) -> None:
        super().__init__(locked_out_message())
        self.status_code = settings.AXES_HTTP_RESPONSE_CODE
        # DRF's exception handler sends this as Retry-After.
        self.wait = int(settings.AXES_COOLOFF_TIME.total_seconds())


class ObtainAuthToken(authtoken_views.ObtainAuthToken):
    """DRF's token view, refusing locked-out attempts as the pages do."""

    def post(self, request, *args, **kwargs) -> HttpResponse:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                raise LockedOut
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        ip_address = get_client_ip_address(request)
        if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS and ip_address:
            # Axes forgets failures on the `user_logged_in` signal, which only a
            # session sign-in sends; a token is a sign-in too.
            reset(ip=ip_address, username=user.get_username())
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


obtain_auth_token = ObtainAuthToken.as_view()
