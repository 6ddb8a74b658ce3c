"""Survey test fixtures shared by the modules of this folder."""

from __future__ import annotations

import pytest


@pytest.fixture
def one_answer_is_enough(db) -> None:
    """For tests of the figures' maths with a single respondent: figures show from the first answer."""
    from surveys.models import SurveySettings

    SurveySettings.objects.update_or_create(pk=1, defaults={"min_answers": 1})
