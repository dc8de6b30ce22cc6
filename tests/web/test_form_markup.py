"""What a screen reader is told about form fields: a field is announced as invalid, and
pointed at its messages, only when it has an error, on every page the URL map lists."""

from html.parser import HTMLParser

from support.security import ADMIN, READER_A, VISITOR, Cast, changing_rules
from support.security_routes import ATTEMPTS, CHANGES_WHO_IS_SIGNED_IN, form_data, page_paths

#: What a template prints for a Python None it was handed as an attribute's value.
PRINTED_NONE = {"None", "none", ""}
ARIA_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")


class Markup(HTMLParser):
    """The ids on a page and, for every element, the attributes it was given."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))

    def problems(self) -> list[str]:
        """Attributes a screen reader would misread."""
        found = []
        for tag, attributes in self.elements:
            for name, value in attributes.items():
                if name.startswith("aria-") and name != "aria-invalid" and value in PRINTED_NONE:
                    found.append(f'<{tag} {name}="{value}">')
            if attributes.get("aria-invalid", "true") != "true":
                found.append(f'<{tag} aria-invalid="{attributes["aria-invalid"]}">')
            for name in ARIA_REFERENCES:
                missing = set((attributes.get(name) or "").split()) - self.ids
                if missing:
                    found.append(f"<{tag} {name}> names no element: {sorted(missing)}")
        return found

    def invalid_fields(self) -> list[str]:
        return [
            str(attributes.get("name"))
            for _tag, attributes in self.elements
            if attributes.get("aria-invalid") == "true"
        ]


def test_no_page_tells_a_screen_reader_a_field_is_invalid_when_it_is_not(app):
    cast = Cast(app)
    failures, fields_seen = [], 0
    for role in (VISITOR, READER_A, ADMIN):
        for path in page_paths(cast):
            response = cast.clients[role].get(path)
            response.close()
            if "html" not in response.content_type:
                continue
            markup = Markup(response.text)
            fields_seen += sum(tag in ("input", "textarea", "select") for tag, _ in markup.elements)
            failures += [f"{path} as {role}: {problem}" for problem in markup.problems()]
            failures += [
                f"{path} as {role}: {name} announced invalid before anything was sent"
                for name in markup.invalid_fields()
            ]

    assert fields_seen > 100
    assert not failures, "\n".join(failures)


def blanked(data: dict[str, object]) -> dict[str, object]:
    """The form with every typed field left empty (files and choices kept)."""
    return {name: "" if isinstance(value, str) else value for name, value in data.items()}


def test_a_form_sent_back_with_errors_points_each_invalid_field_at_its_message(app, mailbox):
    cast = Cast(app)
    failures, pages_with_errors = [], 0
    for rule, method in changing_rules(app):
        attempt = ATTEMPTS[rule.endpoint]
        target = attempt.target(cast)
        data = {**blanked(form_data(attempt.data, cast)), **target.form}
        data["csrf_token"] = cast.token(attempt.role)
        response = cast.clients[attempt.role].open(
            cast.path(rule, target), method=method, data=data
        )
        response.close()
        if rule.endpoint in CHANGES_WHO_IS_SIGNED_IN:
            cast.recast(attempt.role)
        if 300 <= response.status_code < 400 or "html" not in response.content_type:
            continue
        markup = Markup(response.text)
        failures += [f"{rule.endpoint}: {problem}" for problem in markup.problems()]
        for name in markup.invalid_fields():
            pages_with_errors += 1
            described = [
                attributes.get("aria-describedby") or ""
                for _tag, attributes in markup.elements
                if attributes.get("name") == name
            ]
            if not any(reference.endswith("-errors") for reference in described):
                failures.append(f"{rule.endpoint}: {name} is invalid but not told why")

    assert pages_with_errors >= 10
    assert not failures, "\n".join(failures)
