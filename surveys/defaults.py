"""The default survey template and buying-role weights: seeded by migration 0002, re-created by the demo and tests."""

from __future__ import annotations

from decimal import Decimal

QUESTIONS = [
    # kind, dimension, English, French, choices (en), choices (fr)
    ("nps", "", "How likely are you to recommend us to a colleague or a partner?",
     "Quelle est la probabilité que vous nous recommandiez à un collègue ou à un partenaire ?", "", ""),
    ("rating", "product", "How satisfied are you with our products and solutions?",
     "Quel est votre niveau de satisfaction à l'égard de nos produits et solutions ?", "", ""),
    ("rating", "relationship", "How satisfied are you with your commercial relationship with us (your account team)?",
     "Quel est votre niveau de satisfaction à l'égard de notre relation commerciale (votre équipe dédiée) ?", "", ""),
    ("rating", "service", "How satisfied are you with our service and support?",
     "Quel est votre niveau de satisfaction à l'égard de notre service et de notre support ?", "", ""),
    ("rating", "delivery", "How satisfied are you with our deliveries (lead times, reliability)?",
     "Quel est votre niveau de satisfaction à l'égard de nos livraisons (délais, fiabilité) ?", "", ""),
    ("rating", "value", "How do you rate the value you get for the price you pay?",
     "Comment jugez-vous le rapport entre la valeur apportée et le prix payé ?", "", ""),
    ("choice", "", "What matters most to you for the coming year?",
     "Qu'est-ce qui compte le plus pour vous pour l'année à venir ?",
     "Quality\nPrice\nInnovation\nResponsiveness", "Qualité\nPrix\nInnovation\nRéactivité"),
    ("text", "", "What is the one thing we should improve first?",
     "Quelle est la première chose que nous devrions améliorer ?", "", ""),
]  # fmt: skip

WEIGHTS = {
    "decision_maker": "3.0",
    "prescriber": "2.0",
    "champion": "2.0",
    "technical": "1.5",
    "purchasing": "1.5",
    "user": "1.0",
    "gatekeeper": "1.0",
    "": "1.0",
}


def default_template_ensure():
    """The default template, created with its questions when missing."""
    from surveys.models import Question, SurveyTemplate

    template = SurveyTemplate.objects.filter(is_default=True).first()
    if template is None:
        template = SurveyTemplate.objects.create(name="Key account satisfaction", is_default=True)
        Question.objects.bulk_create(
            Question(
                template=template, position=position, kind=kind, dimension=dimension, text_en=en, text_fr=fr,
                choices_en=choices_en, choices_fr=choices_fr, required=kind in ("nps", "rating"),
            )
            for position, (kind, dimension, en, fr, choices_en, choices_fr) in enumerate(QUESTIONS)
        )  # fmt: skip
    return template


def role_weights_ensure() -> None:
    from surveys.models import RoleWeight

    for role, weight in WEIGHTS.items():
        RoleWeight.objects.get_or_create(buying_role=role, defaults={"weight": Decimal(weight)})
