"""Pages for volunteer coordinators and volunteers (being built)."""

from django.http import Http404


def home(request):
    raise Http404
