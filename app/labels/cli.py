"""`flask labels preview <template>` and `flask labels check`: for operators editing
label_templates/ (sample records, no database needed)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.labels import samples, templates
from app.labels.render_flow import render_delivery_list, render_handover, render_slip
from app.labels.render_labels import render_labels, render_notice
from app.shipments import s10


def _directory() -> Path:
    configured = current_app.config.get("LABEL_TEMPLATES_DIR")
    return Path(configured) if configured else templates.DEFAULT_DIR


def render_sample(name: str, directory: Path, base_url: str) -> bytes:
    """A template filled with sample records (four shipments for labels)."""
    try:
        family = templates.family_of(name, directory)
    except KeyError:
        raise click.ClickException(f"No template {name!r} in {directory}.") from None
    if family == "label":
        numbers = [s10.compose("HB", 47312482 + i) for i in range(4)]
        return render_labels([samples.shipment(i, n, base_url) for i, n in enumerate(numbers)],
                             name, directory)
    if family == "notice":
        return render_notice([samples.notice()], name, directory)
    if family == "slip":
        return render_slip(samples.shipment(base_url=base_url), name, directory)
    if family == "handover":
        return render_handover(samples.handover(40), name, directory)
    return render_delivery_list(samples.delivery_list(30), name, directory)


@click.command("preview")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: instance/preview-<name>.pdf).")
@click.option("--png", is_flag=True, help="Also rasterise page 1 at 203 dpi (needs pdftoppm).")
@with_appcontext
def preview(name: str, output: Path | None, png: bool) -> None:
    """Render template NAME with sample data, to see an edit before printing for real."""
    directory = _directory()
    try:
        pdf = render_sample(name, directory, current_app.config["PUBLIC_BASE_URL"])
    except templates.TemplateError as exc:
        raise click.ClickException(str(exc)) from None
    output = output or Path(current_app.instance_path) / f"preview-{name}.pdf"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(pdf)
    click.echo(f"{output} ({len(pdf):,} bytes)")
    if png:
        if not shutil.which("pdftoppm"):
            raise click.ClickException("pdftoppm is not installed (Debian: poppler-utils).")
        stem = output.with_suffix("")
        subprocess.run(["pdftoppm", "-r", "203", "-png", "-f", "1", "-l", "1", "-singlefile",
                        str(output), str(stem)], check=True)
        click.echo(f"{stem}.png")


@click.command("check")
@with_appcontext
def check() -> None:
    """Load every template in label_templates/ and report the first error of each."""
    directory = _directory()
    failed = False
    for path in sorted(directory.glob("*.toml")):
        try:
            render_sample(path.stem, directory, current_app.config["PUBLIC_BASE_URL"])
            click.echo(f"ok      {path.name}")
        except (templates.TemplateError, click.ClickException, ValueError) as exc:
            failed = True
            click.echo(f"ERROR   {exc}")
    if failed:
        raise SystemExit(1)
