"""URLs of the import pages (filled in by the import work)."""

urlpatterns = []
