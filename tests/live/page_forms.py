"""The forms of an HTML page, filled in as a browser would send them untouched."""

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

# Fields a person types into; the others (choices, dates, numbers) are chosen or checked.
TEXT_TYPES = {"", "text", "search", "email", "url", "tel", "password"}
NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass(frozen=True)
class PageForm:
    """A form as found: where, how it is sent, its fields as the page filled them."""

    page: str
    method: str
    action: str
    fields: tuple[tuple[str, str], ...]
    text_fields: tuple[str, ...]
    file_fields: tuple[str, ...]
    # Chosen, not typed: drop-downs, check boxes, radio buttons, hidden, date and number fields.
    choice_fields: tuple[str, ...] = ()
    # The page's CSV downloads (paths): a list's search form filters its download too.
    downloads: tuple[str, ...] = ()

    def filled(self, **replaced: str) -> list[tuple[str, str]]:
        """The fields as the page filled them, with some values replaced (or added, for an
        unticked box)."""
        sent = [(name, replaced.get(name, value)) for name, value in self.fields]
        present = {name for name, _ in self.fields}
        return sent + [(name, value) for name, value in replaced.items() if name not in present]


def forms_on(page: str, html: str) -> list[PageForm]:
    """Every form of a page (a path on the server), with its action as a path."""
    soup = BeautifulSoup(html, "lxml")
    links = {urlsplit(urljoin(page, str(a["href"]))).path for a in soup.find_all("a", href=True)}
    downloads = tuple(sorted(link for link in links if link.endswith(".csv")))
    return [_form(page, form, downloads) for form in soup.find_all("form")]


def _form(page: str, form: Tag, downloads: tuple[str, ...]) -> PageForm:
    parts = urlsplit(urljoin(page, str(form.get("action") or page)))
    action = parts.path + ("?" + parts.query if parts.query else "")
    fields: list[tuple[str, str]] = []
    text_fields: list[str] = []
    file_fields: list[str] = []
    choice_fields: list[str] = []
    button_sent = False
    for element in form.find_all(["input", "textarea", "select", "button"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        name = str(name)
        kind = str(element.get("type") or "").lower() if element.name == "input" else ""
        if element.name == "button" or kind in ("submit", "image"):
            # The first named button is the one a person presses.
            if not button_sent:
                fields.append((name, str(element.get("value") or "")))
                button_sent = True
            continue
        if kind == "file":
            file_fields.append(name)
            continue
        if kind in NOT_SENT:
            continue
        if name != "csrf_token" and (element.name == "select" or kind not in TEXT_TYPES):
            choice_fields.append(name)
        if kind in ("checkbox", "radio"):
            if element.has_attr("checked"):
                fields.append((name, str(element.get("value") or "on")))
            continue
        if element.name == "textarea":
            fields.append((name, element.get_text()))
            text_fields.append(name)
        elif element.name == "select":
            fields.extend((name, value) for value in _selected(element))
        else:
            fields.append((name, str(element.get("value") or "")))
            if kind in TEXT_TYPES:
                text_fields.append(name)
    method = str(form.get("method") or "get").upper()
    choices = tuple(dict.fromkeys(choice_fields))
    return PageForm(
        page,
        method,
        action,
        tuple(fields),
        tuple(text_fields),
        tuple(file_fields),
        choices,
        downloads if method == "GET" else (),
    )


def _selected(select: Tag) -> list[str]:
    options = select.find_all("option")
    chosen = [o for o in options if o.has_attr("selected")]
    if not chosen and options and not select.has_attr("multiple"):
        chosen = options[:1]
    return [str(o.get("value", o.get_text())) for o in chosen]
