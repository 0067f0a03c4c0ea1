"""`credit i18n` commands: the dashboard's translation catalogues (Babel's extract / update / compile, plus a
check). Add a string: write it in English in the code (`_("...")`), run `credit i18n update`, translate the new
entries of each `services/web/credit_web/locale/<lang>/LC_MESSAGES/messages.po`, then `credit i18n check`."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


def _other_langs() -> list[str]:
    from credit_web import i18n

    return [lang for lang in i18n.LANGS if lang != i18n.SOURCE_LANG]


@app.command()
def extract() -> None:
    """Write the template of every translatable string (locale/messages.pot, not committed)."""
    from credit_web.i18n import catalog

    path = catalog.write_template(catalog.extract())
    typer.echo(f"{path}")


@app.command()
def update() -> None:
    """Merge new strings into each language's .po (untranslated) and drop the ones no longer used."""
    from credit_web.i18n import catalog

    template = catalog.extract()
    for lang in _other_langs():
        updated = catalog.update(template, lang)
        missing = sum(1 for m in updated if m.id and not m.string)
        typer.echo(f"{lang}: {len(updated)} entries, {missing} to translate")


@app.command("compile")
def compile_() -> None:
    """Compile each .po into the .mo the dashboard reads (it also does it at start when a .mo is stale)."""
    from credit_web import i18n

    for lang in _other_langs():
        i18n.compile_catalogue(lang)
        typer.echo(f"{lang}: {i18n.po_path(lang).with_suffix('.mo')}")


@app.command()
def check(quiet: Annotated[bool, typer.Option(help="Only the exit code.")] = False) -> None:
    """Fail when a shown string is missing from a catalogue, untranslated, fuzzy or no longer used."""
    from credit_web.i18n import catalog

    template = catalog.extract()
    found = [problem for lang in _other_langs() for problem in catalog.problems(lang, template)]
    if not quiet:
        for problem in found:
            typer.echo(problem, err=True)
    if found:
        raise typer.Exit(1)
    if not quiet:
        typer.echo(f"{', '.join(_other_langs())}: complete ({len(template)} strings)")
