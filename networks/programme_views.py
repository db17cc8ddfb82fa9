"""Pages for the programme's work in a network: listening events, stories, connections
and the wishlist. Reading follows each model's `visible_to`; every write goes through
`Network.can_edit_programme` (here, to refuse early) and a service (which checks again)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assetmap import roles
from assetmap.forms import show_service_errors
from assetmap.models import Asset
from networks import forms, services
from networks.models import Connection, ListeningEvent, Network, Story, Theme, WishlistItem

FORBIDDEN_TEMPLATE = "networks/programme_forbidden.html"


def _refusal(request, network: Network):
    """The response refusing `request` the programme's edit pages in `network`, or None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not network.can_edit_programme(request.user):
        return render(request, FORBIDDEN_TEMPLATE, {"network": network}, status=403)
    return None


def _forbidden(request, network: Network):
    return render(request, FORBIDDEN_TEMPLATE, {"network": network}, status=403)


def _show_errors(form, error: ValidationError) -> None:
    # The event form reports errors about the point under "place".
    show_service_errors(form, error, also=("place",))


def _done(request, network: Network, message: str):
    messages.success(request, message)
    return redirect(network.get_absolute_url())


# Listening events ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_add(request, slug):
    network = get_object_or_404(Network, slug=slug)
    return _refusal(request, network) or _event_form(request, network, ListeningEvent())


@require_http_methods(["GET", "POST"])
def event_edit(request, slug, pk):
    network = get_object_or_404(Network, slug=slug)
    if refused := _refusal(request, network):
        return refused
    event = get_object_or_404(network.events, pk=pk)
    return _event_form(request, network, event)


def _event_form(request, network: Network, event: ListeningEvent):
    """One form for the event, the groups found there and the stories heard; the whole
    submission is saved in one transaction or not at all."""
    data = request.POST if request.method == "POST" else None
    form = forms.EventForm(data, instance=event, network=network, user=request.user)
    groups = forms.NewGroupFormSet(data, prefix="new")
    stories = forms.event_story_formset(network=network)(data, prefix="story")
    if data is not None and form.is_valid() and groups.is_valid() and stories.is_valid():
        adding = event.pk is None
        try:
            with transaction.atomic():
                _save_event(request.user, form, groups, stories)
        except PermissionDenied:
            return _forbidden(request, network)
        except ValidationError as error:
            # The rows were rolled back; the objects must not keep their lost ids.
            _forget_ids([event] if adding else [], *(f.instance for f in stories))
            _show_errors(form, error)
        else:
            return _done(request, network, _("The listening event was saved."))
    context = {
        "network": network,
        "event": event if event.pk else None,
        "form": form,
        "groups": groups,
        "stories": stories,
        "themes": Theme.objects.values_list("name", flat=True),
        "discoveries": event.discoveries.select_related("asset") if event.pk else [],
        "event_stories": event.stories.all() if event.pk else [],
        "map_config": _map_config(network),
    }
    return render(request, "networks/event_form.html", context)


def _save_event(user, form, groups, stories) -> ListeningEvent:
    event = services.event_save(
        event=form.instance,
        user=user,
        theme_names=form.theme_list(),
        facilitators=form.cleaned_data["facilitators"] or None,
        existing_assets=form.cleaned_data["existing_assets"],
        new_groups=[services.NewGroup(**row) for row in groups.cleaned_data if row],
    )
    for story_form in stories:
        if story_form.has_changed():
            story = story_form.instance
            story.event = event
            services.story_save(story=story, user=user)
    return event


def _forget_ids(objects, *more) -> None:
    for obj in [*objects, *more]:
        obj.pk = None
        obj._state.adding = True


def _map_config(network: Network) -> dict:
    """What event-form.js needs to draw the map for placing the event's point."""
    centre = network.boundary.centroid
    west, south, east, north = network.boundary.extent
    return {
        "tilesUrl": settings.TILES_URL,
        "attribution": settings.TILES_ATTRIBUTION,
        "centre": [centre.y, centre.x],
        "bounds": [[south, west], [north, east]],
    }


def event_detail(request, slug, pk):
    network = get_object_or_404(Network, slug=slug)
    event = get_object_or_404(
        ListeningEvent.objects.visible_to(request.user).filter(network=network), pk=pk
    )
    visible_assets = Asset.objects.visible_to(request.user)
    context = {
        "network": network,
        "event": event,
        "is_professional": roles.is_professional(request.user),
        "can_edit": network.can_edit_programme(request.user),
        "themes": event.themes.all(),
        "discoveries": event.discoveries.filter(asset__in=visible_assets).select_related("asset"),
        "stories": Story.objects.visible_to(request.user).filter(event=event),
    }
    return render(request, "networks/event_detail.html", context)


# Stories ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def story_add(request, slug):
    network = get_object_or_404(Network, slug=slug)
    return _refusal(request, network) or _story_form(request, network, Story(network=network))


@require_http_methods(["GET", "POST"])
def story_edit(request, slug, pk):
    network = get_object_or_404(Network, slug=slug)
    if refused := _refusal(request, network):
        return refused
    return _story_form(request, network, get_object_or_404(network.stories, pk=pk))


def _story_form(request, network: Network, story: Story):
    form = forms.StoryForm(request.POST or None, instance=story, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            services.story_save(story=form.instance, user=request.user)
        except PermissionDenied:
            return _forbidden(request, network)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            return _done(request, network, _("The story was saved."))
    context = {"network": network, "form": form, "story": story if story.pk else None}
    return render(request, "networks/story_form.html", context)


def story_detail(request, slug, pk):
    network = get_object_or_404(Network, slug=slug)
    story = get_object_or_404(Story.objects.visible_to(request.user).filter(network=network), pk=pk)
    event_visible = (
        story.event_id
        and ListeningEvent.objects.visible_to(request.user).filter(pk=story.event_id).exists()
    )
    context = {
        "network": network,
        "story": story,
        "is_professional": roles.is_professional(request.user),
        "can_edit": network.can_edit_programme(request.user),
        "event": story.event if event_visible else None,
    }
    return render(request, "networks/story_detail.html", context)


# Connections -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def connection_add(request, slug):
    network = get_object_or_404(Network, slug=slug)
    if refused := _refusal(request, network):
        return refused
    form = forms.ConnectionForm(request.POST or None, network=network, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_save(connection=form.connection(network), user=request.user)
        except PermissionDenied:
            return _forbidden(request, network)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            return _done(request, network, _("The connection was saved."))
    return render(request, "networks/connection_form.html", {"network": network, "form": form})


@require_http_methods(["GET", "POST"])
def connection_delete(request, slug, pk):
    network = get_object_or_404(Network, slug=slug)
    if refused := _refusal(request, network):
        return refused
    connection = get_object_or_404(Connection.objects.filter(network=network), pk=pk)
    if request.method == "POST":
        try:
            services.programme_delete(obj=connection, user=request.user)
        except PermissionDenied:
            return _forbidden(request, network)
        return _done(request, network, _("The connection was deleted."))
    context = {"network": network, "connection": connection}
    return render(request, "networks/connection_confirm_delete.html", context)


# Wishlist --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def wish_add(request, slug):
    network = get_object_or_404(Network, slug=slug)
    item = WishlistItem(network=network)
    return _refusal(request, network) or _wish_form(request, network, item)


@require_http_methods(["GET", "POST"])
def wish_edit(request, slug, pk):
    network = get_object_or_404(Network, slug=slug)
    if refused := _refusal(request, network):
        return refused
    return _wish_form(request, network, get_object_or_404(network.wishlist, pk=pk))


def _wish_form(request, network: Network, item: WishlistItem):
    form = forms.WishForm(request.POST or None, instance=item, network=network, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.wishlist_item_save(
                item=form.instance, user=request.user, assets=form.cleaned_data["assets"]
            )
        except PermissionDenied:
            return _forbidden(request, network)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            return _done(request, network, _("The wish was saved."))
    context = {"network": network, "form": form, "item": item if item.pk else None}
    return render(request, "networks/wish_form.html", context)
