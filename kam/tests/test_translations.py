"""French is complete: every string extracted for translation has a French text."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_french_keeps_every_placeholder_of_the_english_text():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    broken = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if "python-format" in entry.flags
        and sorted(_placeholders(entry.msgid)) != sorted(_placeholders(entry.msgstr or entry.msgstr_plural[0]))
    ]
    assert broken == []


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sd]|%[sd]", text)
