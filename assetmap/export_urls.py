"""URLs of the export pages (filled in by the export work)."""

urlpatterns = []
