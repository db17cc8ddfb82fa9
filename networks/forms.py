"""Forms for the programme's work in a network: listening events, stories, connections
and the wishlist. They only collect and check input; the services in
`networks.services` do the writing and enforce the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assetmap.forms import MapPointFields, NoColonMixin
from assetmap.models import Asset, AssetKind, Organisation, Status
from networks.models import (
    Connection,
    ConnectionKind,
    ListeningEvent,
    Network,
    Story,
    WishKind,
    WishlistItem,
)

# Statuses of the assets a facilitator can link to an event or a wish.
LINKABLE_STATUSES = [Status.DRAFT, Status.PENDING_REVIEW, Status.PUBLISHED]

# Without JavaScript the event form shows this many empty rows for new groups;
# with it, one row and an "Add another" button.
EMPTY_GROUP_ROWS = 3


def linkable_assets(network: Network, user):
    """The assets of `network` that `user` may see and link to the programme's work."""
    return (
        Asset.objects.visible_to(user)
        .in_network(network)
        .filter(status__in=LINKABLE_STATUSES)
        .only("pk", "name", "status")
        .order_by("name")
    )


class AssetCheckboxes(forms.ModelMultipleChoiceField):
    """Assets as checkboxes labelled with their name and, for drafts, their status."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        if obj.status == Status.PUBLISHED:
            return obj.name
        return f"{obj.name} ({obj.get_status_display().lower()})"


NEAR_NETWORK_DEGREES = 0.005


class EventForm(NoColonMixin, MapPointFields, forms.ModelForm):
    point_field = "place"

    theme_names = forms.CharField(
        label=_("Themes heard"),
        required=False,
        max_length=1000,
        help_text=_('Separate themes with commas, e.g. "isolation, safety at night, food".'),
        widget=forms.TextInput(attrs={"list": "theme-suggestions", "autocomplete": "off"}),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=None,
        required=False,
        help_text=_("If you tick nobody, you are recorded as the facilitator."),
        widget=forms.CheckboxSelectMultiple,
    )
    existing_assets = AssetCheckboxes(
        label=_("Groups already on the map"),
        queryset=None,
        required=False,
        help_text=_("Tick the groups people talked about that the map already has."),
    )

    class Meta:
        model = ListeningEvent
        fields = ["title", "date", "place_name", "people_count", "notes", "is_published"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "people_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, network: Network, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.network = network
        event = self.instance
        # The network's facilitators, plus whoever already ran this event, plus the
        # person recording it (staff may record an event anywhere).
        people = set(network.facilitators.values_list("pk", flat=True)) | {user.pk}
        if event.pk:
            people |= set(event.facilitators.values_list("pk", flat=True))
        self.fields["facilitators"].queryset = (
            get_user_model().objects.filter(pk__in=people).order_by("first_name", "username")
        )
        self.fields["facilitators"].label_from_instance = lambda u: u.get_full_name() or u.username
        assets = linkable_assets(network, user)
        if event.pk:
            assets = assets.exclude(pk__in=event.assets_found.values("pk"))
        self.fields["existing_assets"].queryset = assets
        if event.pk:
            self.initial.setdefault(
                "theme_names", ", ".join(event.themes.values_list("name", flat=True))
            )
            self.initial.setdefault("facilitators", list(event.facilitators.all()))
            self.show_point(event.place)
        else:
            self.initial.setdefault("facilitators", [user])

    def clean(self):
        cleaned = super().clean()
        if self.has_error("latitude") or self.has_error("longitude"):
            return cleaned
        point = self.typed_point(cleaned)
        if point is not None:
            self._check_near_network(point)
            self.instance.place = point
        elif not (self.has_error("latitude") or self.has_error("longitude")):
            self.instance.place = None
        return cleaned

    def _check_near_network(self, point: Point) -> None:
        # An event is held in or just beside its network (NEAR_NETWORK_DEGREES is about
        # 500 m): a point placed elsewhere would file its new groups in another network.
        network = self.instance.network
        if not network.boundary.buffer(NEAR_NETWORK_DEGREES).covers(point):
            self.add_error(
                "latitude",
                _("This point is outside %(network)s. Place the event where it was held.")
                % {"network": network.name},
            )

    def theme_list(self) -> list[str]:
        return self.cleaned_data.get("theme_names", "").split(",")


class NewGroupForm(NoColonMixin, forms.Form):
    """A group heard about at an event that the map does not have yet."""

    name = forms.CharField(label=_("Name of the group"), max_length=200)
    description = forms.CharField(
        label=_("What it does"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of asset"), choices=AssetKind.choices, initial=AssetKind.ASSOCIATION
    )
    note = forms.CharField(
        label=_("Note about how it came up"),
        required=False,
        max_length=200,
        help_text=_("Private to the programme, e.g. who mentioned it."),
    )


NewGroupFormSet = forms.formset_factory(NewGroupForm, extra=EMPTY_GROUP_ROWS, max_num=50)


class StoryForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = Story
        fields = ["event", "title", "text", "storyteller_name", "consent", "is_published"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "consent": forms.RadioSelect,
        }
        labels = {"is_published": _("Publish this story for residents")}
        help_texts = {
            "storyteller_name": _(
                "Optional and private: shown to residents only if they agreed to be named."
            ),
            "is_published": _("Only with consent to publish."),
        }

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.network = network
        if "event" in self.fields:
            self.fields["event"].queryset = network.events.order_by("-date", "title")
            self.fields["event"].required = False
            self.fields["event"].empty_label = _("Not heard at a recorded event")


class EventStoryForm(StoryForm):
    """A story heard at the event being recorded: the event is the one on the page."""

    class Meta(StoryForm.Meta):
        fields = ["title", "text", "storyteller_name", "consent", "is_published"]


def event_story_formset(*, network: Network, extra: int = 1):
    formset_class = forms.formset_factory(EventStoryForm, extra=extra, max_num=50)
    # Each form gets its own Story for the model validation to run on.
    formset_class.get_form_kwargs = lambda self, index: {
        "network": network,
        "instance": Story(network=network),
    }
    return formset_class


class ConnectionForm(NoColonMixin, forms.Form):
    """One select per end, offering the network's assets and every organisation."""

    source = forms.ChoiceField(label=_("From"))
    kind = forms.ChoiceField(label=_("How they relate"), choices=ConnectionKind.choices)
    target = forms.ChoiceField(label=_("To"))
    note = forms.CharField(label=_("Note"), max_length=280, required=False)

    def __init__(self, *args, network: Network, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._assets = {f"asset-{asset.pk}": asset for asset in linkable_assets(network, user)}
        self._organisations = {
            f"organisation-{org.pk}": org for org in Organisation.objects.order_by("name")
        }
        choices = [
            ("", _("Choose an asset or organisation")),
            (_("Assets in this network"), [(k, a.name) for k, a in self._assets.items()]),
            (_("Organisations"), [(k, o.name) for k, o in self._organisations.items()]),
        ]
        self.fields["source"].choices = choices
        self.fields["target"].choices = choices

    def connection(self, network: Network) -> Connection:
        """An unsaved connection from the cleaned data."""
        ends = {}
        for side, field in (("from", "source"), ("to", "target")):
            key = self.cleaned_data[field]
            ends[f"{side}_asset"] = self._assets.get(key)
            ends[f"{side}_organisation"] = self._organisations.get(key)
        return Connection(
            network=network,
            kind=self.cleaned_data["kind"],
            note=self.cleaned_data["note"],
            **ends,
        )


class WishForm(NoColonMixin, forms.ModelForm):
    assets = AssetCheckboxes(label=_("Assets involved"), queryset=None, required=False)

    class Meta:
        model = WishlistItem
        fields = ["kind", "title", "description", "status"]
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, network: Network, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.network = network
        # A required choice shown as radios needs no "---------" option.
        self.fields["kind"].choices = WishKind.choices
        linkable = Q(pk__in=linkable_assets(network, user).values("pk"))
        if self.instance.pk:
            # Keep the assets already involved on offer even if since archived.
            linkable |= Q(pk__in=self.instance.assets.values("pk"))
            self.initial.setdefault("assets", list(self.instance.assets.all()))
        self.fields["assets"].queryset = Asset.objects.filter(linkable).order_by("name")
