"""The REST API's one router: every app's viewsets are registered here."""

from django.urls import path, re_path
from rest_framework import routers

from assetmap import api as assets_api
from assetmap.lockout import obtain_auth_token
from assetmap.rest import not_found
from networks import api as networks_api
from volunteers import api as volunteers_api

router = routers.DefaultRouter()
router.register("assets", assets_api.AssetViewSet, basename="asset")
router.register("categories", assets_api.CategoryViewSet, basename="category")
router.register("organisations", assets_api.OrganisationViewSet, basename="organisation")
router.register("networks", networks_api.NetworkViewSet, basename="network")
router.register("practices", networks_api.PracticeViewSet, basename="practice")
router.register("events", networks_api.ListeningEventViewSet, basename="listeningevent")
router.register("stories", networks_api.StoryViewSet, basename="story")
router.register("connections", networks_api.ConnectionViewSet, basename="connection")
router.register("wishes", networks_api.WishViewSet, basename="wishlistitem")
router.register("volunteers", volunteers_api.VolunteerViewSet, basename="volunteer")
router.register("opportunities", volunteers_api.OpportunityViewSet, basename="opportunity")
router.register(
    "safeguarding-checks", volunteers_api.SafeguardingCheckViewSet, basename="safeguardingcheck"
)
router.register("hours", volunteers_api.HoursEntryViewSet, basename="hoursentry")
router.register("credits", volunteers_api.CreditEntryViewSet, basename="creditentry")
router.register("surveys", volunteers_api.SurveyResponseViewSet, basename="surveyresponse")
router.register("indicators", volunteers_api.IndicatorsViewSet, basename="indicators")

urlpatterns = [
    # POST username and password, get the token to send as "Authorization: Token <key>".
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
    re_path(r"^.*$", not_found),
]
