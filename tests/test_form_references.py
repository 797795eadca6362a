"""Every kind of every pack prints as its reference: page 1 of the filled form of a settled demo record
and of its blank form looks like the PNG under tests/references/forms/, and no printed text carries a
code of the pack (a field, choice, state, item, district or role code instead of its label).

The references were read page by page before they were kept. A deliberate change of a layout is
recorded with ``UPDATE_FORM_REFERENCES=1 pytest tests/test_form_references.py`` and the new PNGs read
again before they are committed. The comparison allows the few pixels the print date and the guide
version's hash change; anything larger (a moved table, a lost column, another label) fails.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask_migrate import upgrade
from PIL import Image, ImageChops

from criteria import load_pack
from criteria.loader import CRITERIA_ROOT
from criteria.pack import Pack
from models import FormVerification, db
from models.record_scores import final_states
from services.render_form import render_record
from tests.conftest import dispose, make_app, sync

REFERENCES = Path(__file__).parent / "references" / "forms"
PACKS = sorted(path.parent for path in CRITERIA_ROOT.glob("*/pack.yaml"))
DPI = 50
INK = 96  # grey levels two pixels must differ by to count as a change
TOLERANCE = 0.01  # share of page 1's pixels that may change (print date, version hash)
UPDATE = os.environ.get("UPDATE_FORM_REFERENCES") == "1"

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian poppler-utils) is not installed")


def page_one(pdf: bytes) -> Image.Image:
    shown = subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", "-"], input=pdf, capture_output=True, check=True)
    return Image.open(io.BytesIO(shown.stdout)).convert("L")


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pack_codes(pack: Pack) -> set[str]:
    """Every code a reader must never see: kinds, fields and their choices, items, sub-tables, states,
    steps, districts, roles, bands, materials, personnel lists and catalogue entries."""
    codes = {pack.code} | {d.code for d in pack.districts} | {r.code for r in pack.roles}
    codes |= {band.code for scale in pack.scales.values() for band in scale.bands}
    for kind in pack.kinds.values():
        codes |= {kind.code} | {i.code for i in kind.items} | {t["code"] for t in kind.subtables}
        codes |= {f.code for f in kind.header_fields} | {c for f in kind.header_fields for c, _ in f.choices}
        codes |= {s.code for s in kind.workflow.states} | {t.code for t in kind.workflow.transitions}
        codes |= {m.code for m in kind.materials} | {p.code for p in kind.personnel} | {e.code for e in kind.catalogue}
    return codes


@pytest.fixture(scope="module", params=PACKS, ids=lambda folder: folder.name)
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Pack, dict[str, bytes]]:
    """The demo of one pack, and the filled and blank form of each kind's first settled record (its
    verification code fixed, so the QR code is the same on every run)."""
    folder = request.param
    where = tmp_path_factory.mktemp(f"references_{folder.name}")
    app = make_app(f"sqlite:///{where / 'db.sqlite'}", CRITERIA_PACK=str(folder), EVIDENCE_DIR=str(where / "evidence"))
    with app.app_context():
        upgrade()
    sync(app)
    seeded = app.test_cli_runner().invoke(args=["demo"])
    assert seeded.exit_code == 0, seeded.output
    pack = app.extensions["criteria_pack"]
    forms: dict[str, bytes] = {}
    with app.app_context():
        for number, (code, kind) in enumerate(pack.kinds.items(), start=1):
            model = app.extensions["kind_models"][code].assessment
            record = next(r for r in db.session.query(model).order_by(model.id) if r.state in final_states(kind))
            db.session.add(FormVerification(code=f"REFERENCE{number}", assessment_id=record.id))
            db.session.commit()
            for blank in (False, True):
                pdf = render_record(db.session, pack, kind, record, blank, "https://aqkh.example.gov.cn")
                forms[f"{folder.name}_{code}{'_blank' if blank else ''}"] = pdf
    dispose(app)
    return pack, forms


def test_page_one_of_every_form_matches_its_reference(printed: tuple[Pack, dict[str, bytes]], tmp_path: Path) -> None:
    _, forms = printed
    REFERENCES.mkdir(parents=True, exist_ok=True)
    different = []
    for name, pdf in forms.items():
        page, reference = page_one(pdf), REFERENCES / f"{name}.png"
        if UPDATE:
            page.save(reference, optimize=True)
            continue
        assert reference.is_file(), f"no reference for {name}: record one with UPDATE_FORM_REFERENCES=1"
        kept = Image.open(reference).convert("L")
        assert kept.size == page.size, f"{name}: page size {page.size}, reference {kept.size}"
        changed = sum(ImageChops.difference(page, kept).point(lambda v: 255 if v > INK else 0).histogram()[255:])
        share = changed / (page.size[0] * page.size[1])
        if share > TOLERANCE:
            page.save(tmp_path / f"{name}.png")
            different.append(f"{name}: {share:.2%} of page 1 changed (see {tmp_path / name}.png)")
    assert not different, "\n".join(different)


def test_no_printed_text_carries_a_code_of_the_pack(printed: tuple[Pack, dict[str, bytes]]) -> None:
    pack, forms = printed
    codes = pack_codes(pack)
    assert codes >= {"general", "licence"} and pack.code in codes
    for name, pdf in forms.items():
        words = set(re.findall(r"(?<![A-Za-z0-9_])[a-z][a-z0-9_]*(?![A-Za-z0-9_])", pdf_text(pdf)))
        assert not words & codes, f"{name} prints codes: {sorted(words & codes)}"


def test_every_kind_of_every_pack_has_its_references() -> None:
    expected = {f"{folder.name}_{code}{suffix}.png" for folder in PACKS for code in load_pack(folder).kinds for suffix in ("", "_blank")}
    assert expected <= {path.name for path in REFERENCES.glob("*.png")}
