"""Compile locale/*/LC_MESSAGES/django.po to .mo without gettext's msgfmt (used by `make run`)."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def main() -> None:
    for po_path in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    main()
