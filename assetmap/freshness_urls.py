"""URLs of the freshness pages (filled in by the freshness work)."""

urlpatterns = []
