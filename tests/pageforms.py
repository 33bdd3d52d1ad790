"""What a browser submits from a page's form, for tests of the HTML forms: the values of the inputs,
selects and textareas of the form holding a given field, after the browser's value sanitisation (HTML
standard: an ``<input type="date">`` whose value is not ``YYYY-MM-DD``, or an ``<input type="number">`` whose
value is not a valid floating-point number, shows empty and submits ``""``). The Django test client does
not do this, so a test that posts what it read from a page must go through here."""

import re
from html.parser import HTMLParser

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FLOAT = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?")


def sanitise(kind: str, value: str) -> str:
    """The value a browser keeps for an input of type ``kind`` holding ``value``."""
    if kind == "date" and not _ISO_DATE.fullmatch(value):
        return ""
    if kind == "number" and not _FLOAT.fullmatch(value):
        return ""
    return value


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a and tag in ("input", "select", "textarea"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form[a["name"]] = a.get("value", "on")
                return
            self._form[a["name"]] = sanitise(kind, a.get("value", ""))
        elif tag == "select":
            self._select, self._first_option, self._selected = a["name"], None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option_value = value
            if self._first_option is None:
                self._first_option = value if value is not None else ""
            if "selected" in a and value is not None:
                self._form[self._select], self._selected = value, True
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            self._form[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._form is not None:
                self._form[self._select] = self._first_option or ""
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form[self._textarea] = self._form[self._textarea].removeprefix("\n")
            self._textarea = None


def form_data(html: str, holding: str) -> dict[str, str]:
    """What the browser submits from the first form of ``html`` that has a field named ``holding``
    (``{name: value}``, the CSRF token left out). Raises AssertionError when no form has it."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if holding in form:
            form.pop("csrfmiddlewaretoken", None)
            return form
    raise AssertionError(f"no form with a field {holding!r}")
