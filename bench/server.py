"""The benchmarks' web server: Assetmap's own WSGI application under gunicorn, with
two views of the benchmark's own added to the project's URLs.

    gunicorn --chdir /work/main "bench.server:make_application()" -w 2 -b 127.0.0.1:18766

- /bench/bare/ answers a fixed "ok" through the same middleware as every page: what a
  request costs before any view does work; /bench/blob/<bytes>/ answers that many
  bytes, to tell the cost of moving a large body from the cost of making it.
- /bench/map-serializer/ answers the map's FeatureCollection built the usual DRF way,
  one object at a time (rest_framework_gis's GeoFeatureModelSerializer), from the same
  filtered queryset as /api/v1/assets/map/, for comparison with the endpoint's SQL.

`serve()` starts such a server for a benchmark (DEBUG off, the production settings
otherwise) and stops it afterwards. Nothing here is imported by the application.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The production settings, on loopback without TLS: the server reads these.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "assetmap.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    # WhiteNoise warns that collectstatic has not run; the benchmarks serve no files.
    "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
}

urlpatterns: list = []  # filled in by make_application(), once Django is set up


def make_application():
    """Assetmap's WSGI application, with this module as its URLconf."""
    for name, value in SERVER_ENV.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()

    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import include, path
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer
    from rest_framework_gis.serializers import GeoFeatureModelSerializer

    from assetmap.filters import AssetFilter
    from assetmap.models import Asset, Status

    class MapSerializer(GeoFeatureModelSerializer):
        url = serializers.SerializerMethodField()

        class Meta:
            model = Asset
            geo_field = "location"
            fields = ["id", "name", "slug", "kind", "url"]

        def get_url(self, asset) -> str:
            return asset.get_absolute_url()

    def bare(request):
        return HttpResponse("ok", content_type="text/plain")

    def blob(request, size):
        # The cost of moving a body of the map's size through the server and loopback.
        return HttpResponse(b"x" * size, content_type="application/octet-stream")

    def map_serializer(request):
        # The same rows as AssetViewSet.map: visible, not archived, with a point.
        assets = Asset.objects.visible_to(request.user).exclude(status=Status.ARCHIVED)
        filtered = AssetFilter(request.GET, queryset=assets, request=request)
        if not filtered.is_valid():
            return HttpResponse(str(filtered.errors), status=400)
        rows = filtered.qs.filter(location__isnull=False).order_by().only(*MAP_FIELDS)
        body = JSONRenderer().render(MapSerializer(rows, many=True).data)
        return HttpResponse(body, content_type="application/geo+json")

    MAP_FIELDS = ["id", "name", "slug", "kind", "location"]
    urlpatterns[:] = [
        path("bench/bare/", bare),
        path("bench/blob/<int:size>/", blob),
        path("bench/map-serializer/", map_serializer),
        path("", include(settings.ROOT_URLCONF)),
    ]
    settings.ROOT_URLCONF = __name__

    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def get(port: int, path: str) -> bytes:
    """One GET over a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return body
    finally:
        connection.close()


@contextlib.contextmanager
def serve(*, workers: int, port: int, database_url: str):
    """A gunicorn server on 127.0.0.1:`port` for the duration of the block."""
    with socket.socket() as probe:
        # Another server on the port would answer the benchmark's requests instead.
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"Port {port} is in use: choose another with --port.")
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--chdir",
        str(ROOT),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench.server:make_application()",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, "/bench/bare/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
