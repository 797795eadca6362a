"""Printed forms: one filled assessment PDF, and a batch of them with the process's memory."""

from __future__ import annotations

import json
import subprocess
import sys

from flask import Flask

from bench.figures import Figure, at_most, median_ms
from criteria.pack import Kind
from models import db
from models.record_scores import final_states
from reports.signing import FormSigner, development_certificate
from services.form_signing import configured_signer
from services.render_form import render_record

BASE_URL = "http://127.0.0.1:5000"


def _kind(app: Flask) -> Kind:
    """The first enterprise kind with items (the general-conditions assessment in Qingdao)."""
    return next(k for k in app.extensions["criteria_pack"].kinds.values() if k.subject == "enterprise" and k.items)


def approved_ids(app: Flask, count: int) -> list[int]:
    kind = _kind(app)
    model = app.extensions["kind_models"][kind.code].assessment
    with app.app_context():
        return [pk for (pk,) in db.session.query(model.id).filter(model.state.in_(final_states(kind))).order_by(model.id).limit(count)]


def form_figures(app: Flask, runs: int) -> list[Figure]:
    """One settled form as the web serves it (signed), and the same form unsigned: the difference
    is the cost of the signature."""
    kind, pack = _kind(app), app.extensions["criteria_pack"]
    model = app.extensions["kind_models"][kind.code].assessment
    ids = iter(approved_ids(app, runs + 2) * 4)
    signer = configured_signer(app.config) or FormSigner.from_pkcs12(development_certificate("bench", "bench"), None)
    with app.app_context():

        def one(with_signer: FormSigner | None) -> None:
            record = db.session.get(model, next(ids))
            render_record(db.session, pack, kind, record, False, BASE_URL, with_signer)
            db.session.commit()  # the verification code is stored
            db.session.expunge_all()

        signed = median_ms(lambda: one(signer), runs)
        unsigned = median_ms(lambda: one(None), runs)
        return [at_most("pdf_form_filled_signed", signed, "ms", 50), Figure("pdf_form_filled_unsigned", unsigned, "ms")]


def batch_figures(url: str, count: int) -> list[Figure]:
    """Run the batch in a child process, so its peak memory is the batch's own."""
    answer = subprocess.run([sys.executable, "-m", "bench.batch", url, str(count)], capture_output=True, text=True, check=False)
    if answer.returncode != 0:
        raise RuntimeError(f"批量生成失败：{answer.stderr[-2000:]}")
    result = json.loads(answer.stdout.strip().splitlines()[-1])
    rss = result["rss_mb"]
    limit = 60 * count / 1000
    return [
        at_most(f"pdf_batch_{count}", result["seconds"], "s", limit),
        Figure(f"pdf_batch_{count}_rss_after_first_10pct", rss[0], "MB"),
        Figure(f"pdf_batch_{count}_rss_peak", max(rss), "MB"),
        Figure(
            f"pdf_batch_{count}_rss_growth_after_first_10pct",
            max(rss) - rss[0],
            "MB",
            "flat (< 10% of first)",
            max(rss) - rss[0] < 0.1 * rss[0],
        ),
    ]
