"""The board's indicators page and its CSV download (being built)."""

from django.http import Http404


def indicators(request):
    raise Http404


def indicators_csv(request):
    raise Http404
