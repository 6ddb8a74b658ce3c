"""Helpers for posting forms in tests: formsets' hidden fields, and a page's form posted back as shown."""

from __future__ import annotations

from html.parser import HTMLParser


def management_form(prefix: str, *, total: int, initial: int) -> dict[str, str]:
    """The hidden fields every formset POST carries."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class _FormReader(HTMLParser):
    """What a browser posts for one form left as shown: inputs' values, ticked boxes, selected options, texts."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form" and self.form_id is not None:
            self.inside = attr.get("id") == self.form_id
        if not self.inside or ("name" not in attr and tag != "option"):
            return
        if tag == "input":
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self.values[attr["name"]] = attr.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.values[attr["name"]] = attr.get("value", "")
        elif tag == "select":
            self.select = attr["name"]
            self.values.setdefault(self.select, "")
        elif tag == "option" and self.select is not None and "selected" in attr:
            self.values[self.select] = attr.get("value", "")
        elif tag == "textarea":
            self.textarea = attr["name"]
            self.values[self.textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.values[self.textarea] += data.removeprefix("\n") if not self.values[self.textarea] else data


def form_values(page: str, form_id: str | None = None) -> dict[str, str]:
    """The data a browser would post from the page's form (the one with this id, or every field of the page)
    if the user submitted it unchanged: what round-trip tests post back."""
    reader = _FormReader(form_id)
    reader.feed(page)
    return reader.values
