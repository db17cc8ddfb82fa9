"""What every page's header needs to know about the signed-in person."""

from assetmap import roles
from assetmap.shortlists import can_shortlist
from volunteers.models import Volunteer


def navigation(request) -> dict:
    """`nav_search`: whether the person searches for patients (link workers, staff).
    `nav_data`: whether the person imports and exports listings (staff).
    `nav_volunteering`: "coordinating" for coordinators and staff, "own" for a
    volunteer with a login, "" for everybody else (who gets no link)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_search": False, "nav_data": False, "nav_volunteering": ""}
    nav = {"nav_search": can_shortlist(user), "nav_data": roles.is_staff_member(user)}
    if roles.is_staff_member(user) or roles.has_role(user, roles.Role.COORDINATOR):
        return {**nav, "nav_volunteering": "coordinating"}
    is_volunteer = Volunteer.objects.of_login(user) is not None
    return {**nav, "nav_volunteering": "own" if is_volunteer else ""}
