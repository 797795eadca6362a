"""The Simplified Chinese catalogue must translate every Flask-AppBuilder string.

The msgids are re-extracted from the installed flask_appbuilder package at test
time, with the same mapping (extractors and keywords) as the documented
``pybabel extract`` command: translations/babel.cfg. A FAB upgrade that adds or
changes strings therefore fails here until translations/zh/.../messages.po is
updated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

REPO_ROOT = Path(__file__).resolve().parent.parent
MAPPING_FILE = REPO_ROOT / "translations" / "babel.cfg"
CATALOGUE_FILE = REPO_ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
FAB_PACKAGE_DIR = Path(flask_appbuilder.__file__).resolve().parent

# printf-style (%(name)s, %s, %d, %.2f, ...) and str.format-style ({0}, {name})
# placeholders. "%%" is matched too so that it is not read as a placeholder, and
# is then dropped.
PLACEHOLDER_RE = re.compile(
    r"%%"
    r"|%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]"
    r"|\{[^{}]*\}"
)


def extract_fab_messages(package_dir: Path, mapping_file: Path) -> Catalog:
    """Extract FAB's msgids the way `pybabel extract -F <mapping_file>` does."""
    with mapping_file.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, str(mapping_file))
    catalog = Catalog()
    for filename, lineno, message, _comments, context in extract_from_dir(str(package_dir), method_map, options_map):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj)


def msgid_of(message: Message) -> str:
    """The singular msgid, for failure messages."""
    return message.id[0] if isinstance(message.id, tuple) else message.id


def as_forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """Singular and plural entries alike as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def placeholders(text: str) -> list[str]:
    """Sorted placeholders of `text` (Chinese word order may differ)."""
    return sorted(p for p in PLACEHOLDER_RE.findall(text) if p != "%%")


def user_messages(catalog: Catalog) -> Iterable[Message]:
    """Every message except the header entry (msgid "")."""
    return (message for message in catalog if message.id)


@pytest.fixture(scope="module")
def fab_messages() -> Catalog:
    return extract_fab_messages(FAB_PACKAGE_DIR, MAPPING_FILE)


@pytest.fixture(scope="module")
def zh_catalogue() -> Catalog:
    return read_catalogue(CATALOGUE_FILE)


def test_extraction_finds_fab_strings(fab_messages: Catalog) -> None:
    # Guards against a broken mapping silently extracting nothing: strings from
    # Python (lazy_gettext), from templates (_()) and from FAB's __ alias.
    extracted = {msgid_of(message) for message in user_messages(fab_messages)}
    assert {"Added Row", "Record Count", "List Users"} <= extracted
    assert len(extracted) > 100


def test_catalogue_header(zh_catalogue: Catalog) -> None:
    assert str(zh_catalogue.locale) == "zh"
    assert zh_catalogue.num_plurals == 1
    assert zh_catalogue.plural_expr == "0"
    assert not zh_catalogue.fuzzy


def test_every_fab_msgid_is_translated(fab_messages: Catalog, zh_catalogue: Catalog) -> None:
    missing: list[str] = []
    for extracted in user_messages(fab_messages):
        entry = zh_catalogue.get(extracted.id, context=extracted.context)
        if entry is None:
            missing.append(f"{msgid_of(extracted)!r} (no entry)")
        elif entry.fuzzy:
            missing.append(f"{msgid_of(extracted)!r} (fuzzy)")
        elif not all(form.strip() for form in as_forms(entry.string)):
            missing.append(f"{msgid_of(extracted)!r} (empty msgstr)")
        elif extracted.pluralizable and len(as_forms(entry.string)) != 1:
            missing.append(f"{msgid_of(extracted)!r} (needs exactly 1 plural form)")
    assert not missing, (
        f"{len(missing)} Flask-AppBuilder msgid(s) lack a usable translation in "
        f"{CATALOGUE_FILE.relative_to(REPO_ROOT)}:\n" + "\n".join(missing)
    )


def test_placeholders_match(zh_catalogue: Catalog) -> None:
    mismatched: list[str] = []
    for message in user_messages(zh_catalogue):
        # With nplurals=1 the only msgstr must carry the plural msgid's
        # placeholders (e.g. "%(num)d"), so compare against the last msgid form.
        expected = placeholders(as_forms(message.id)[-1])
        for form in as_forms(message.string):
            if placeholders(form) != expected:
                mismatched.append(f"{msgid_of(message)!r}: expected {expected}, got {placeholders(form)} in {form!r}")
    assert not mismatched, "Placeholder mismatch:\n" + "\n".join(mismatched)


def test_catalogue_passes_babel_checks(zh_catalogue: Catalog) -> None:
    # The same checks `pybabel compile` runs (python-format, plural count).
    problems = [f"{msgid_of(message)!r}: {error}" for message, errors in zh_catalogue.check() for error in errors]
    assert not problems, "\n".join(problems)
