"""Every user-facing string is translated into bokmål, nynorsk and Swedish, with the same
placeholders and markup as the English; every string marked in the code is in the catalogues;
and `_` means what docs/translations.md says it means."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
TRANSLATED = ["nb", "nn", "sv"]
# What must come through a translation unchanged: %(name)s, %s, %d, %%, {name}, tags, entities.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|%%|\{[a-z_]*\}|<[^>]+>|&[a-z]+;")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = catalogue(language)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    assert {e.msgid: e.msgstr for e in po.translated_entries() if not e.msgid_plural} == {
        e.msgid: e.msgstr for e in mo if not e.msgid_plural and e.msgid
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_and_markup(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        if entry.msgid_plural:
            # The singular may say "one" instead of the count; the plural keeps every one.
            pairs = [(entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [
            (msgid, msgstr)
            for msgid, msgstr in pairs
            if placeholders(msgid) != placeholders(msgstr)
        ]
    assert wrong == []


def test_the_languages_offered_have_a_catalogue():
    offered = {code for code, _name in settings.LANGUAGES}
    assert offered == {"nb", "nn", "sv", "en"}
    for language in offered:
        assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()


# What `make messages` leaves out, and what a copy of the tree needs not carry.
NOT_SOURCE = (".venv", ".git", "node_modules", "var", "test-artifacts", "media", "__pycache__")


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """makemessages over a copy of the tree (the catalogues themselves are left alone): a
    string marked in the code or a template that no catalogue has comes out untranslated, one
    changed since it was translated comes out fuzzy."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE, "*.sqlite3*", "*.mo", "*.pyc")
    )
    languages = [arg for language in TRANSLATED for arg in ("-l", language)]
    # The options of `make messages`.
    options = ["--no-location", "--ignore=.venv/*", "--ignore=tests/*", "-v0"]
    made = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, *options],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr  # gettext missing: `make system-deps`
    missing = {}
    for language in TRANSLATED:
        po = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        missing[language] = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == {language: [] for language in TRANSLATED}, (
        "Marked strings the catalogues lack: run makemessages and translate them "
        "(docs/translations.md)."
    )


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _python_modules():
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {*NOT_SOURCE, "tests"} or "/migrations/" in relative:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _translation_names(tree: ast.Module) -> dict[str, str]:
    """The names a module binds to django.utils.translation's functions: {"_": "gettext"}."""
    return {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
    }


def _calls_at_import(node: ast.AST):
    """Calls made when the module is imported: at module level and in class bodies, not in
    functions (default values of arguments aside)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.Call):
            yield child
        yield from _calls_at_import(child)


def test_no_string_is_translated_once_for_all_at_import():
    """An eager gettext at module level or in a class body translates into whatever language
    is active when the module is imported, and every user then reads that one."""
    frozen = []
    for relative, tree in _python_modules():
        names = _translation_names(tree)
        frozen += [
            f"{relative}:{call.lineno}"
            for call in _calls_at_import(tree)
            if isinstance(call.func, ast.Name) and names.get(call.func.id) in EAGER
        ]
    assert frozen == []


def test_in_view_modules_underscore_is_the_eager_gettext():
    """docs/translations.md: in views `_` is `gettext`, and a string made at import says
    `gettext_lazy` by name."""
    lazy = [
        relative
        for relative, tree in _python_modules()
        if (relative.endswith("/views.py") or "/views/" in relative)
        and _translation_names(tree).get("_", "gettext") != "gettext"
    ]
    assert lazy == []
