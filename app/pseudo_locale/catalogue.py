"""The pseudo-locale's compiled catalogue, generated from the template (translations/messages.pot)
whenever it changes: never kept in git, never translated by hand, so it cannot fall behind.

`make catalogues` (so `make install`, `make run` and `make test`) runs
`python -m app.pseudo_locale.catalogue`; tests/test_translations.py fails when the file differs
from what the template generates now."""

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.pseudo_locale.codes import COMPILED, TEMPLATE
from app.pseudo_locale.text import pseudo


def pseudo_catalogue(template: Catalog) -> Catalog:
    """Every message of the template in the pseudo-locale, plural forms and contexts included."""
    # Dated as the template is, so the same template always compiles to the same bytes.
    made = Catalog(
        locale="en",
        fuzzy=False,
        creation_date=template.creation_date,
        revision_date=template.creation_date,
    )
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            string: str | tuple[str, ...] = tuple(pseudo(form) for form in message.id)
        else:
            string = pseudo(message.id)
        made.add(message.id, string, context=message.context, flags=message.flags - {"fuzzy"})
    return made


def compiled(template_path: Path = TEMPLATE) -> bytes:
    """The compiled (.mo) pseudo catalogue of a template file."""
    with template_path.open("rb") as source:
        template = read_po(source)
    out = io.BytesIO()
    write_mo(out, pseudo_catalogue(template))
    return out.getvalue()


def main(argv: list[str]) -> int:
    """`python -m app.pseudo_locale.catalogue [TEMPLATE [OUTPUT]]`: write the compiled catalogue."""
    template = Path(argv[0]) if argv else TEMPLATE
    output = Path(argv[1]) if len(argv) > 1 else COMPILED
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(compiled(template))
    print(f"wrote {output} from {template}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
