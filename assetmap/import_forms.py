"""The import page's form: a file or an Open Referral UK feed's address."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from assetmap.forms import NoColonMixin
from assetmap.models import JobFormat, Status

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ONE_OF_THEM = _("Choose a file or give a feed's address, not both.")
NEITHER = _("Choose a file to import, or give an Open Referral feed's address.")
TOO_BIG = _("The file is larger than 200 MB: split it into smaller files.")
WRONG_KIND = _("Choose a .csv, .geojson or .json file.")
AUTO = ""


class ImportForm(NoColonMixin, forms.Form):
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A CSV spreadsheet made from our template, a GeoJSON file, or an Open Referral "
            "UK (HSDS 3.0) JSON file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.geojson,.json"}),
    )
    url = forms.URLField(
        label=_("Or an Open Referral UK feed's address"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=_("For example https://example.org/openreferral/ — every service is read."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[(AUTO, _("Work it out from the file")), *JobFormat.choices],
    )
    source = forms.CharField(
        label=_("Source name"),
        required=False,
        max_length=255,
        help_text=_(
            "Rows are matched by their id within this source, so importing a newer file "
            "from the same source updates the listings instead of adding copies. Leave it "
            "empty to use the file's name or the feed's address."
        ),
    )
    default_status = forms.ChoiceField(
        label=_("Status of new listings"),
        choices=[
            (Status.DRAFT, _("Draft: check them before they go on the map")),
            (Status.PUBLISHED, _("Published: on the map at once")),
        ],
        initial=Status.DRAFT,
        widget=forms.RadioSelect,
        help_text=_("A CSV or GeoJSON row's own status column wins over this."),
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG)
        if Path(upload.name).suffix.lower() not in (".csv", ".geojson", ".json"):
            raise forms.ValidationError(WRONG_KIND)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, url = cleaned.get("upload"), cleaned.get("url")
        if upload and url:
            self.add_error("url", ONE_OF_THEM)
        elif not upload and not url and not self.errors:
            self.add_error("upload", NEITHER)
        if not cleaned.get("source"):
            cleaned["source"] = upload.name if upload else (url or "").rstrip("/")
        return cleaned
