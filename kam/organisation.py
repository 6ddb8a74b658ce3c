"""Who the application speaks for: the organisation's name and logo, as administrators set them in the settings.

Kept in settings (KAM_ORGANISATION_NAME, KAM_ORGANISATION_LOGO) rather than in a model: the logo then lives
with the static files, which the survey page serves with its long cache headers and which the PDF renderer
may fetch (kam.pdf fetches nothing else), and there is no upload to sanitise (an uploaded SVG can carry script).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static

from kam.pdf import static_path


@dataclass(frozen=True)
class Organisation:
    name: str
    logo_url: str  # "" when none is set or the file is missing

    def __bool__(self) -> bool:
        return bool(self.name or self.logo_url)


def organisation() -> Organisation:
    name = (getattr(settings, "KAM_ORGANISATION_NAME", "") or "").strip()
    logo = (getattr(settings, "KAM_ORGANISATION_LOGO", "") or "").strip().lstrip("/")
    # A path outside the static files, or to a missing file, is ignored rather than shown as a broken image.
    logo_url = static(logo) if logo and static_path(logo) is not None else ""
    return Organisation(name=name, logo_url=logo_url)
