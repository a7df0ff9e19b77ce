"""Every user-facing string is translated into bokmål, nynorsk and Swedish, with the same
placeholders and markup as the English."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["nb", "nn", "sv"]
# What must come through a translation unchanged: %(name)s, %s, %d, %%, {name}, tags, entities.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|%%|\{[a-z_]*\}|<[^>]+>|&[a-z]+;")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = catalogue(language)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    assert {e.msgid: e.msgstr for e in po.translated_entries() if not e.msgid_plural} == {
        e.msgid: e.msgstr for e in mo if not e.msgid_plural and e.msgid
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_and_markup(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        if entry.msgid_plural:
            # The singular may say "one" instead of the count; the plural keeps every one.
            pairs = [(entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [
            (msgid, msgstr)
            for msgid, msgstr in pairs
            if placeholders(msgid) != placeholders(msgstr)
        ]
    assert wrong == []


def test_the_languages_offered_have_a_catalogue():
    offered = {code for code, _name in settings.LANGUAGES}
    assert offered == {"nb", "nn", "sv", "en"}
    for language in offered:
        assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()
