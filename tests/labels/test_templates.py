"""Templates are data an operator edits: they load, they are checked, edits take effect;
the fonts come from the pip package and draw every Vietnamese letter."""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from app.labels import fonts, samples, templates
from app.labels.cli import render_sample
from app.labels.render_labels import render_labels
from app.shipments import s10

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền sắc ngã hỏi nặng
VIETNAMESE = {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | {"đ"}
VIETNAMESE |= {c.upper() for c in VIETNAMESE}


def test_every_vietnamese_letter_and_the_dong_sign_in_regular_bold_and_italic():
    assert len(VIETNAMESE) == 146  # 12 vowels × 6 tones, and đ; lower and upper case
    for face in ("regular", "bold", "italic"):
        assert fonts.missing_glyphs("".join(sorted(VIETNAMESE)) + "₫–…×·", face) == set(), face


def test_fonts_come_from_the_pip_package_with_their_licence():
    import fontpkg_be_vietnam_pro
    from reportlab.pdfbase import pdfmetrics

    fonts.register()
    package = Path(fontpkg_be_vietnam_pro.__file__).parent
    for face in ("regular", "bold"):
        path = Path(pdfmetrics.getFont(fonts.font_name(face)).face.filename)
        assert package in path.parents
    licence = templates.DEFAULT_DIR / "licences" / "BeVietnamPro-OFL.txt"
    assert licence.read_text() == (package / "LICENSE").read_text()


def test_reportlab_runs_with_its_c_accelerator():
    from reportlab.lib import rl_accel

    assert rl_accel._py_funcs == {}  # nothing fell back to Python
    assert {"fp_str", "instanceStringWidthTTF", "asciiBase85Encode"} <= rl_accel._c_funcs.keys()


@pytest.mark.parametrize("name", sorted(p.stem for p in templates.DEFAULT_DIR.glob("*.toml")))
def test_every_template_renders_its_sample_and_every_literal_is_drawable(name):
    family = templates.family_of(name)
    template = templates.load(name, family)
    body = render_sample(name, templates.DEFAULT_DIR, samples.BASE_URL)
    assert body.startswith(b"%PDF")
    layout = template.layout or template
    elements = [*template.static, *layout.static, *layout.fields, *template.every_page, *template.first_page]
    for block in template.blocks:
        elements += list(getattr(block, "elements", ()))
    literals = "".join(p for e in elements for pat in (e.text, e.value) if pat for p in pat.parts[::2])
    literals += "".join(c.title.render({}) for b in template.blocks for c in getattr(b, "columns", ()))
    assert fonts.missing_glyphs(literals, "bold") == set(), name
    assert fonts.missing_glyphs(literals, "regular") == set(), name


def test_label_templates_are_the_label_family():
    assert templates.names("label") == ["a4x4", "a6"]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for path in templates.DEFAULT_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.parametrize(("edit", "message"), [
    (("size = 15", "sise = 15"), "unknown key(s) sise"),
    (("{recipient.name}", "{recipient.nam}"), "unknown field(s) {recipient.nam}"),
    (("type = \"qr\"", "type = \"datamatrix\""), "fields[3].type: must be one of"),
    (("page = { width = 100, height = 150 }", "page = { width = 100 }"), "page: missing height"),
    (("font = \"bold\", size = 15", "font = \"heavy\", size = 15"), "font: must be one of"),
    (("fields = [", "fields = [[["), "a6.toml"),
])
def test_a_broken_template_names_the_file_and_the_mistake(workdir, edit, message):
    path = workdir / "a6.toml"
    path.write_text(path.read_text().replace(*edit, 1))
    with pytest.raises(templates.TemplateError) as caught:
        templates.load("a6", "label", workdir)
    assert "a6.toml" in str(caught.value) and message in str(caught.value)


def test_an_operator_edit_takes_effect_without_a_restart(workdir, pdf):
    docs = [samples.shipment(0, s10.compose("HA", 1))]
    before = pdf.text(render_labels(docs, "a6", workdir))
    path = workdir / "a6.toml"
    path.write_text(path.read_text().replace('text = "NGƯỜI NHẬN"', 'text = "NGƯỜI NHẬN (ĐỊA CHỈ PHÁT)"'))
    after = pdf.text(render_labels(docs, "a6", workdir))
    assert "NGƯỜI NHẬN (ĐỊA CHỈ PHÁT)" in after and "(ĐỊA CHỈ PHÁT)" not in before


def test_a_new_label_template_is_offered_by_the_api(workdir, app, as_user, make_shipment, pdf, monkeypatch,
                                                    problem):
    (workdir / "a6_compact.toml").write_text((workdir / "a6.toml").read_text())
    monkeypatch.setitem(app.config, "LABEL_TEMPLATES_DIR", str(workdir))
    tn = make_shipment.number("clerk")
    assert as_user("clerk").get(f"/api/v1/shipments/{tn}/label.pdf?template=a6_compact").status_code == 200
    (workdir / "a6_compact.toml").unlink()
    body = problem(as_user("clerk").get(f"/api/v1/shipments/{tn}/label.pdf?template=a6_compact"), 422,
                   "unknown_template")
    assert "a4x4, a6" in body["detail"]


def test_a_symbol_that_cannot_fit_its_box_fails_at_preview(workdir):
    path = workdir / "a6.toml"
    path.write_text(path.read_text().replace("x = 2, y = 28, w = 96", "x = 2, y = 28, w = 20"))
    from app.labels.barcodes import SymbolTooLarge

    with pytest.raises(SymbolTooLarge):
        render_sample("a6", workdir, samples.BASE_URL)


def test_a_sheet_follows_edits_of_its_label_layout(workdir, pdf):
    docs = [samples.shipment(0, s10.compose("HA", 1))]
    render_labels(docs, "a4x4", workdir)
    path = workdir / "a6.toml"
    path.write_text(path.read_text().replace('text = "HỒ SƠ"', 'text = "HỒ SƠ TTHC"'))
    assert "HỒ SƠ TTHC" in pdf.text(render_labels(docs, "a4x4", workdir))
