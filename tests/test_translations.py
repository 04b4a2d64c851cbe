"""The catalogues stay complete: the template holds every message the code and templates use;
each language's catalogue translates all of them (none empty or fuzzy, the same placeholders);
and the compiled catalogue the app reads is the one its text compiles to (the pseudo-locale's,
the one the template generates)."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.pseudo_locale import catalogue as pseudo_catalogue
from config import Config

ROOT = Path(__file__).parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
MAKEFILE = ROOT / "Makefile"
LANGUAGES = [code for code in Config.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdif]|%%")


def _read(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def _keys(catalog) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}


def test_the_template_holds_every_message_in_use(tmp_path):
    extracted = tmp_path / "now.pot"
    pybabel = str(Path(sys.executable).parent / "pybabel")
    # The keywords `make translations` extracts with, read from the Makefile: one list.
    extract = next(line for line in MAKEFILE.read_text().splitlines() if "pybabel extract" in line)
    keywords = [part for keyword in re.findall(r"-k (\S+)", extract) for part in ("-k", keyword)]
    assert "RuleViolation" in keywords  # services' refusals are read in the reader's language
    # pybabel's default skips every folder starting with "_": templates/_macros was never read.
    ignored = re.search(r'--ignore-dirs "([^"]*)"', extract)
    assert ignored is not None and "_*" not in ignored.group(1).split()
    options = ["-F", "babel.cfg", "--ignore-dirs", ignored.group(1), *keywords]
    command = [pybabel, "-q", "extract", *options, "-o", str(extracted), "."]
    subprocess.run(command, cwd=ROOT, check=True)
    assert ("Download CSV", None) in _keys(_read(extracted))  # templates/_macros/lists.html
    missing = _keys(_read(extracted)) - _keys(_read(TEMPLATE))
    assert sorted(missing) == [], "run `make translations` and translate what it adds"


def test_dutch_is_offered():
    assert "nl" in LANGUAGES


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(code):
    catalog = _read(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po")
    by_key = {(m.id if isinstance(m.id, str) else m.id[0], m.context): m for m in catalog if m.id}
    problems = []
    for key in sorted(_keys(_read(TEMPLATE)), key=str):
        message = by_key.get(key)
        if message is None:
            problems.append(("missing", key[0]))
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(("fuzzy or empty", key[0]))
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for number, text in enumerate(strings):
            found = sorted(PLACEHOLDER.findall(text))
            # A singular may spell the number out ("één"): it drops, never adds, a placeholder.
            if found != wanted and not (
                number == 0 and len(strings) > 1 and set(found) <= set(wanted)
            ):
                problems.append(("placeholders", key[0], wanted, found))
    assert problems == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalogue_is_the_text_compiled(code):
    folder = TRANSLATIONS / code / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _read(folder / "messages.po"))
    assert (folder / "messages.mo").exists(), "run `make translations` (or `make install`)"
    assert (folder / "messages.mo").read_bytes() == compiled.getvalue(), (
        "stale: `make translations`"
    )


def test_the_pseudo_catalogue_is_the_one_the_template_generates_now():
    """The pseudo-locale (en-XA) is generated from the template by `make catalogues`, never
    kept in git: stale, it would show the newest messages in English and pass for a leak."""
    compiled = pseudo_catalogue.COMPILED
    assert compiled.exists(), "run `make catalogues` (or `make install`)"
    assert compiled.read_bytes() == pseudo_catalogue.compiled(), "stale: `make catalogues`"
