"""Child process of the PDF batch figure: ``python -m bench.batch URL COUNT`` prints one JSON line.

Renders COUNT filled forms the way ``report batch`` does (one session, expunged after each form, memory kept steady)
and samples the resident memory after every tenth of them.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from bench.dataset import make_app
from bench.reports import BASE_URL, _kind, approved_ids
from models import db
from reports.memory import steady_memory
from services.render_form import render_record


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(url: str, count: int) -> None:
    app = make_app(url, FAB_UPDATE_PERMS=False)
    kind, pack = _kind(app), app.extensions["criteria_pack"]
    model = app.extensions["kind_models"][kind.code].assessment
    ids = approved_ids(app, count)
    samples, step = [], max(1, len(ids) // 10)
    with tempfile.TemporaryDirectory() as folder, app.app_context(), steady_memory() as after_form:
        started = time.perf_counter()
        for index, pk in enumerate(ids, 1):
            record = db.session.get(model, pk)
            Path(folder, f"{pk}.pdf").write_bytes(render_record(db.session, pack, kind, record, False, BASE_URL))
            db.session.commit()
            db.session.expunge_all()
            after_form()
            if index % step == 0:
                samples.append(round(rss_mb(), 1))
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "forms": len(ids), "rss_mb": samples}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
