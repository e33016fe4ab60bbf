"""The Chinese catalogue is complete: every user-facing string has a zh-Hans translation
that a person checked (not empty, not fuzzy), and the compiled .mo is the .po."""

import shutil
from pathlib import Path

import polib
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "gridgov" / "locale" / "zh_Hans" / "LC_MESSAGES"


def _untranslated(po: polib.POFile) -> list[str]:
    out = []
    for e in po:
        if e.obsolete:
            continue
        done = all(e.msgstr_plural.values()) if e.msgid_plural else bool(e.msgstr)
        if not done or "fuzzy" in e.flags:
            where = ", ".join(f"{f}:{n}" for f, n in e.occurrences[:2])
            out.append(f"{e.msgid[:70]!r} ({where})")
    return out


def test_every_string_in_the_source_has_a_checked_translation(tmp_path, monkeypatch, settings):
    """Extracts the strings from a copy of the source as `make messages` does and merges
    them into a copy of the catalogue: a string added without a translation comes out empty
    or fuzzy. Run `make messages`, translate what this lists, then compilemessages."""
    copy = tmp_path / "gridgov"
    shutil.copytree(
        ROOT / "gridgov",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.mo", "*.png", "*.jpg"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=False)
    missing = _untranslated(polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po")))
    assert not missing, "Not translated (or fuzzy) in zh_Hans:\n" + "\n".join(missing)


def test_the_catalogue_has_no_empty_or_fuzzy_translation():
    missing = _untranslated(polib.pofile(str(LOCALE / "django.po")))
    assert not missing, "Not translated (or fuzzy) in zh_Hans:\n" + "\n".join(missing)


def test_the_compiled_catalogue_is_up_to_date():
    """What Django serves is the .mo: a .po edited without compilemessages changes nothing."""

    def messages(entries):
        out = {}
        for e in entries:
            if e.obsolete or "fuzzy" in e.flags or not e.msgid:
                continue
            out[(e.msgctxt, e.msgid)] = (
                tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr
            )
        return out

    po = messages(polib.pofile(str(LOCALE / "django.po")))
    mo = messages(polib.mofile(str(LOCALE / "django.mo")))
    stale = sorted(k[1][:60] for k in po.keys() ^ mo.keys() | {k for k in po if mo.get(k) != po[k]})
    assert not stale, "Run compilemessages; the .mo differs for:\n" + "\n".join(stale)
