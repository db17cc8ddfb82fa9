"""English and Bengali: the language switcher, Bengali pages and API errors, and a
Bengali catalogue that is complete, keeps every placeholder and is compiled."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from pytest_django.asserts import assertContains

from assetmap import filters
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "bn" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# %(name)s, %(lat).5f, %d, {network}, and HTML tags such as <strong> and <span ...>.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-0-9.]*[sdf]|%[sd]|\{[a-z_]*\}|<[^>]+>")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture
def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_it_switches_to_bengali_and_remembers_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "bn", "next": "/suggest/"})

    assert response.status_code == 302
    assert response["Location"] == "/suggest/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bn"
    page = client.get("/")
    assertContains(page, '<html lang="bn">')
    assertContains(page, "<h1>আপনার কাছে কী হচ্ছে</h1>", html=False)
    assertContains(page, "একটি গ্রুপের কথা জানান")  # "Suggest a group" in the nav
    assertContains(page, "এলাকাসমূহ")  # "Neighbourhoods"


def test_it_shows_english_by_default(client):
    page = client.get("/")

    assertContains(page, '<html lang="en-gb">')
    assertContains(page, "What's on near you")


def test_the_switcher_names_each_language_in_itself_and_returns_to_the_page(client):
    page = client.get("/suggest/?from=home")

    assertContains(page, '<form class="language-form" method="post" action="/i18n/setlang/">')
    assertContains(page, '<input type="hidden" name="next" value="/suggest/?from=home">')
    assertContains(page, '<option value="en-gb" lang="en-gb" selected>English</option>')
    assertContains(page, '<option value="bn" lang="bn">বাংলা</option>')


def test_it_switches_back_to_english(client):
    client.post("/i18n/setlang/", {"language": "bn", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en-gb", "next": "/"})

    assertContains(client.get("/"), "What's on near you")


def test_asset_descriptions_stay_in_the_language_they_were_written_in(client):
    AssetFactory(name="Bow Health Walk", slug="bow-health-walk", description="A gentle walk.")
    client.post("/i18n/setlang/", {"language": "bn", "next": "/"})

    page = client.get("/assets/bow-health-walk/")

    assertContains(page, "A gentle walk.")
    assertContains(page, '<html lang="bn">')


def test_api_errors_are_in_bengali_when_asked(client):
    response = client.get("/api/v1/assets/?near=100,0", HTTP_ACCEPT_LANGUAGE="bn")

    assert response.status_code == 400
    assert response.json() == {"near": ["অক্ষাংশ -90 থেকে 90 এর মধ্যে হয়।"]}
    with translation.override("bn"):
        assert response.json() == {"near": [str(filters.LATITUDE_RANGE)]}


def test_api_errors_stay_in_english_by_default(client):
    response = client.get("/api/v1/assets/?near=100,0")

    assert response.json() == {"near": [filters.LATITUDE_RANGE]}
    assert response.json() == {"near": ["Latitude is between -90 and 90."]}


def test_every_message_has_a_bengali_translation(catalogue):
    untranslated = [entry.msgid for entry in catalogue if not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]

    assert len(catalogue) > 1000
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_translations_keep_every_placeholder_and_tag(catalogue):
    wrong = []
    for entry in catalogue:
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0])]
            pairs += [(entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [source for source, text in pairs if placeholders(source) != placeholders(text)]

    assert wrong == []


def test_the_compiled_catalogue_matches_the_source(catalogue):
    # The .mo is kept in the repository: after editing the .po, run
    # `.venv/bin/python manage.py compilemessages --ignore=.venv`.
    compiled = polib.mofile(str(COMPILED))

    def messages(entries):
        result = {}
        for entry in entries:
            if not entry.msgid:
                continue
            if entry.msgid_plural:
                forms = tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
                result[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = forms
            else:
                result[(entry.msgctxt, entry.msgid, None)] = entry.msgstr
        return result

    assert messages(compiled) == messages(catalogue.translated_entries())
