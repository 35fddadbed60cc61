"""`kiosk models`: list, install and verify the speech recognition models."""

from __future__ import annotations

import time
from pathlib import Path
from typing import cast

import click

from kiosk.commands.common import quiet_option
from kiosk.speech import models as model_store
from kiosk.speech.loader import ModelLoadError, check_model_dir, load_model

_dir_option = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where models are installed (default: $KIOSK_MODELS_DIR or models/installed).",
)


@click.group("models")
def command() -> None:
    """List, install and check the speech recognition models, one per language.

    \b
    Example:
        kiosk models list
        kiosk models install en
        kiosk models install en --from /media/usb/vosk-model-small-en-us-0.15.zip
        kiosk models verify --load
    """


@command.command("list")
@_dir_option
def list_models(models_dir: Path | None) -> None:
    """Show each language's model: installed or not, and where.

    \b
    Example:
        kiosk models list
    """
    try:
        manifest = model_store.load_manifest()
    except model_store.ModelError as error:
        raise click.ClickException(str(error)) from error
    for language, spec in sorted(manifest.items()):
        found = model_store.find_model(language, models_dir, manifest)
        name = spec.name or "(no known model)"
        if found:
            click.echo(f"{language}  {name}  installed ({found.source})  {found.path}")
        else:
            click.echo(f"{language}  {name}  not installed  "
                       f"fix: {model_store.install_fix(language, manifest)}")


@command.command("install")
@click.argument("language")
@click.option(
    "--from",
    "zip_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Install from a model zip (e.g. on a USB stick) instead of downloading.",
)
@click.option("--url", help="Download from this URL instead of the one in the model list.")
@click.option("--sha256", help="The expected SHA-256 of the zip (required with --url).")
@_dir_option
@quiet_option
def install_model(
    language: str,
    zip_file: Path | None,
    url: str | None,
    sha256: str | None,
    models_dir: Path | None,
    quiet: bool,
) -> None:
    """Download (or copy from a zip), verify and unpack the model for LANGUAGE.

    Nothing half-made is left if the download stops or the checksum is wrong.

    \b
    Example:
        kiosk models install en
        kiosk models install gd --from /media/usb/my-gaelic-model.zip
        kiosk models install pl --url https://example.org/pl.zip --sha256 0123abcd...
    """
    if url and not sha256:
        raise click.ClickException(f"--url {url} needs --sha256 HEX so the download can be checked")
    bar: dict[str, object] = {}

    def progress(done: int, total: int | None) -> None:
        if quiet:
            return
        if "bar" not in bar:
            bar["bar"] = click.progressbar(length=total or 0, label=f"Downloading {language} model")
            bar["bar"].__enter__()  # type: ignore[attr-defined]
            bar["done"] = 0
        bar["bar"].update(done - cast(int, bar["done"]))  # type: ignore[attr-defined]
        bar["done"] = done

    try:
        found = model_store.install(
            language,
            zip_file=zip_file,
            url=url,
            sha256=sha256,
            directory=models_dir,
            progress=progress,
        )
    except model_store.ModelError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)  # type: ignore[attr-defined]
    click.echo(f"installed {language} model at {found.path}")


@command.command("verify")
@click.option(
    "--load", is_flag=True, help="Also load each model in Vosk (slower; proves it works)."
)
@_dir_option
def verify_models(load: bool, models_dir: Path | None) -> None:
    """Check each installed model has its files (and loads, with --load). Exit 1 on a problem.

    \b
    Example:
        kiosk models verify --load
    """
    try:
        manifest = model_store.load_manifest()
    except model_store.ModelError as error:
        raise click.ClickException(str(error)) from error
    problems = 0
    for language in sorted(manifest):
        found = model_store.find_model(language, models_dir, manifest)
        if found is None:
            folder = model_store.models_dir(models_dir) / language
            if folder.exists():  # something is there but it is not a complete model
                problems += 1
                click.echo(
                    f"{language}  FAIL  {folder}: incomplete model  "
                    f"fix: kiosk models install {language}"
                )
            else:
                click.echo(f"{language}  not installed  "
                           f"fix: {model_store.install_fix(language, manifest)}")
            continue
        issues = check_model_dir(found.path)
        if not issues and load:
            started = time.monotonic()
            try:
                load_model(found.path)
                click.echo(
                    f"{language}  ok  loads in {time.monotonic() - started:.1f} s  {found.path}"
                )
            except ModelLoadError as error:
                issues.append(str(error))
        elif not issues:
            click.echo(f"{language}  ok  files present  {found.path}")
        for issue in issues:
            problems += 1
            click.echo(f"{language}  FAIL  {issue}  fix: kiosk models install {language}")
    if problems:
        raise click.ClickException(f"{problems} model problem(s); see above")
