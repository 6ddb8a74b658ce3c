"""Notifications kept as an id with parameters and written in the reader's language; e-mail subjects cut cleanly."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kam.mail_subjects import subject_line as email_subject
from kam.models import Notification
from kam.notifications import notifications_send
from kam.texts import bilingual, register_text, text_list, text_ref, text_render

pytestmark = pytest.mark.django_db

DUE = register_text("tests.due", _("due %(date)s"))
LABEL = register_text("tests.label", _("Accounts"))
PLURAL = register_text(
    "tests.digest",
    ngettext_lazy(
        "Your daily digest: %(count)s item is overdue or due within 7 days.",
        "Your daily digest: %(count)s items are overdue or due within 7 days.",
        "count",
    ),
)


def test_french_reader_sees_french_text_of_a_notification_created_while_english_was_active(manager):
    manager.language = "en"
    manager.save()
    with translation.override("en"):
        notifications_send(
            users=[manager],
            kind="test",
            message_for=lambda user: text_ref(
                "plans.review_overdue",
                type=text_ref("plans.review_type.business", lower=True),
                account="Alpha",
                days=12,
                due=date(2026, 3, 31),
            ),
            dedupe_key="t1",
            email=False,
        )
    note = Notification.objects.get()
    assert note.message_key == "plans.review_overdue"
    assert note.message.startswith("The quarterly business review of Alpha")  # stored as a fallback
    with translation.override("fr"):
        assert note.text == "revue d'affaires trimestrielle de Alpha : 12 jours de retard (échéance le 31/03/2026)."
    with translation.override("en"):
        assert note.text == "The quarterly business review of Alpha is 12 days overdue (due 03/31/2026)."


def test_notifications_page_renders_in_the_readers_language(client, manager):
    notifications_send(
        users=[manager], kind="test", message_for=lambda user: text_ref(LABEL), dedupe_key="t2", email=False
    )
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    assert "Comptes" in client.get("/notifications/").content.decode()
    client.cookies["django_language"] = "en"
    assert ">Accounts</a>" in client.get("/notifications/").content.decode()


def test_a_row_without_an_id_or_with_a_retired_id_shows_its_stored_text(manager):
    old = Notification.objects.create(user=manager, kind="info", message="Stored long ago", dedupe_key="o1")
    retired = Notification.objects.create(
        user=manager, kind="info", message="Kept text", message_key="gone.away", params={}, dedupe_key="o2"
    )
    broken = Notification.objects.create(
        user=manager, kind="info", message="Kept too", message_key=DUE, params={"day": 1}, dedupe_key="o3"
    )
    assert old.text == "Stored long ago" and retired.text == "Kept text" and broken.text == "Kept too"


def test_parameters_dates_lists_and_plurals_follow_the_language():
    ref = text_ref(DUE, date=date(2026, 12, 3))
    with translation.override("en"):
        assert text_render(ref) == "due 12/03/2026"
    with translation.override("fr"):
        assert text_render(ref) == "échéance le 03/12/2026"
    with translation.override("en"):
        assert text_render(text_ref(PLURAL, count=1)).startswith("Your daily digest: 1 item is")
        assert text_render(text_ref(PLURAL, count=4)).startswith("Your daily digest: 4 items are")
    with translation.override("fr"):
        assert "4 éléments sont" in text_render(text_ref(PLURAL, count=4))
        joined = text_render(text_ref(DUE, date=text_list([text_ref(LABEL), "x"])))
        assert joined == "échéance le Comptes; x"


def test_email_goes_in_the_recipients_language_with_a_subject_cut_between_words(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    manager.language = "fr"
    manager.save()
    name = "Compagnie générale des établissements industriels et commerciaux du Grand Ouest"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notifications_send(
            users=[manager],
            kind="test",
            message_for=lambda user: text_ref("surveys.improvement_action", account=name, title="Rappeler"),
            dedupe_key="t3",
        )
    subject, body = mailoutbox[0].subject, mailoutbox[0].body
    assert body.startswith(f"Action d'amélioration pour {name} qui vous est attribuée : Rappeler")
    assert subject.startswith("KAM: Action d'amélioration pour Compagnie")
    assert len(subject) <= 78 and subject.endswith("…")
    assert f"KAM: {body}".startswith(subject[:-1] + " ")  # whole words only


def test_subject_is_cut_on_a_word_boundary():
    text = "KAM: Your proposal for Compagnie générale des établissements industriels was rejected: wrong segment"
    subject = email_subject(text)
    assert len(subject) <= 78 and subject.endswith("…")
    assert text.startswith(subject[:-1]) and text[len(subject) - 1] == " "
    assert email_subject("KAM: short\nline") == "KAM: short line"


def test_bilingual_text_falls_back_to_the_other_language():
    with translation.override("fr"):
        assert bilingual("Revenue", "Chiffre d’affaires") == "Chiffre d’affaires"
        assert bilingual("Revenue", "") == "Revenue"
    with translation.override("en"):
        assert bilingual("", "Solvabilité") == "Solvabilité"
