from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    """Growth inside the account: product lines sold, in pipeline and still to win (the whitespace map)."""

    name = "growth"
    verbose_name = _("Growth inside the account")

    def ready(self) -> None:
        from accounts.cards import register_card
        from accounts.services import register_line_merge_step
        from growth.cards import whitespace_card
        from growth.lines import line_merge_step
        from growth.portfolio import lines_bought_source, whitespace_source
        from kam.navigation import register_nav_item
        from kam.roles import Role
        from plans.pdf import register_pdf_section
        from scoring.sources import register_source

        register_source(
            "line_whitespace", _("Whitespace by line (potential still to win)"), whitespace_source, unit="money"
        )
        register_source("lines_bought", _("Number of product lines bought (year in use)"), lines_bought_source)

        register_card(
            "whitespace",
            order=25,
            template="growth/_account_card.html",
            build=whitespace_card,
            title=_("Whitespace"),
            width="col-lg-6",
        )
        register_nav_item(_("Peers"), "growth:peers", order=85, roles=frozenset({Role.ADMINISTRATOR}))
        register_pdf_section(template="growth/_plan_pdf_whitespace.html", build="growth.cards:plan_pdf_whitespace")
        register_line_merge_step(line_merge_step)
