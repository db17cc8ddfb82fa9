"""The REST API's one router: every app's viewsets are registered here."""

from rest_framework import routers

router = routers.DefaultRouter()

urlpatterns = router.urls
