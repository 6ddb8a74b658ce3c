"""E-mail subjects end on a whole word with an ellipsis, on one line."""

from __future__ import annotations

from kam.mail_subjects import subject_line


def test_a_short_subject_is_kept_on_one_line():
    assert subject_line("KAM: a plan\nwas approved") == "KAM: a plan was approved"


def test_a_long_subject_ends_on_a_word_boundary_with_an_ellipsis():
    text = "KAM: Acme Bikes, survey “Autumn check”: Satisfaction index dropped by 46.5 points since spring"
    subject = subject_line(text)
    assert len(subject) <= 78 and subject.endswith("…")
    assert text.startswith(subject[:-1]) and text[len(subject) - 1] == " "  # cut where a word ends


def test_one_very_long_word_is_cut_rather_than_dropped():
    subject = subject_line("KAM: " + "x" * 200)
    assert len(subject) == 78 and subject.startswith("KAM: xxx")
