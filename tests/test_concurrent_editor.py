"""Two administrators save the same criteria file at the same moment: the first save becomes a
version, the second is refused in Chinese instead of overwriting it or failing on the version
number; and a version number taken by another machine sharing the database refuses a save the same
way. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

import models.criteria_edits as edits
from models import CriteriaVersion, db
from tests.support import login, visible_text
from tests.test_criteria_editor import EDIT, edit_form, stored

SAFETY = 60  # seconds: a net against a hang, not a timing check


def versions(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(CriteriaVersion.number).order_by(CriteriaVersion.number)))


def record_another_version(engine: Any, note: str) -> int:
    """Another machine commits a copy of the newest version under the next number; returns it."""
    with engine.begin() as connection:
        row = connection.execute(select(CriteriaVersion.__table__).order_by(CriteriaVersion.number.desc())).first()
        values = {**row._mapping, "number": row.number + 1, "note": note}
        values.pop("id")
        connection.execute(insert(CriteriaVersion.__table__).values(**values))
    return row.number + 1


def test_two_saves_of_one_file_at_once_the_second_is_refused(app_for_pack, monkeypatch):
    app = app_for_pack
    text = stored(app)
    wanted = {"first": text.replace("联系人", "联络人"), "second": text.replace("联系人", "联系人员")}
    assert all(new != text for new in wanted.values())
    clients = {name: app.test_client() for name in wanted}
    forms = {}
    for name, client in clients.items():
        login(client, "admin")
        forms[name] = edit_form(client)  # both opened the same version
    before = versions(app)

    both_validated = threading.Barrier(2, timeout=SAFETY)
    real_load = edits.load_snapshot

    def load(*args, **kwargs):
        """Both saves have validated their text before either stores it: they reach the store together."""
        found = real_load(*args, **kwargs)
        both_validated.wait()
        return found

    monkeypatch.setattr(edits, "load_snapshot", load)
    answers = {}

    def save(name: str) -> None:
        answer = clients[name].post(EDIT, data={**forms[name], "content": wanted[name], "note": f"{name}的修改"}, follow_redirects=True)
        answers[name] = visible_text(answer.get_data(as_text=True))

    threads = [threading.Thread(target=save, args=(name,), name=name) for name in wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [name for name, shown in answers.items() if "已保存 general.yaml" in shown]
    refused = [name for name, shown in answers.items() if "本次内容未保存" in shown]
    assert len(saved) == 1 and len(refused) == 1, answers
    assert "在您打开后已记录了第" in answers[refused[0]] or "在您保存的同时记录了新版本" in answers[refused[0]]
    assert stored(app) == wanted[saved[0]]
    assert versions(app) == [*before, before[-1] + 1]


def test_a_version_number_taken_meanwhile_refuses_the_save_and_changes_nothing(app_for_pack):
    app = app_for_pack
    text = stored(app)
    client = app.test_client()
    login(client, "admin")
    form = edit_form(client)
    before = versions(app)
    with app.app_context():
        engine = db.engine
    taken = []

    def other_machine(session: Session, _context: object, _instances: object) -> None:
        """Just before this save's version row is written, another machine commits the same number."""
        if taken or not any(isinstance(obj, CriteriaVersion) for obj in session.new):
            return
        taken.append(record_another_version(engine, "另一台服务器保存的版本"))

    event.listen(Session, "before_flush", other_machine)
    try:
        answer = client.post(EDIT, data={**form, "content": text.replace("联系人", "联络人"), "note": "同时保存"}, follow_redirects=True)
    finally:
        event.remove(Session, "before_flush", other_machine)
    shown = visible_text(answer.get_data(as_text=True))
    assert answer.status_code == 200 and taken
    assert "考核标准在您保存的同时记录了新版本" in shown and "本次内容未保存" in shown
    assert versions(app) == [*before, taken[0]]  # only the other machine's version


def test_a_version_recorded_right_after_the_check_refuses_the_save(app_for_pack, monkeypatch):
    """SQLite has no revision lock: another save may commit between this save's look at the newest
    version and its insert. The insert then fails on the number it saw free; it never takes the next."""
    app = app_for_pack
    text = stored(app)
    client = app.test_client()
    login(client, "admin")
    form = edit_form(client)
    before = versions(app)
    with app.app_context():
        engine = db.engine
    real_latest, taken = edits.latest, []

    def latest(session, code):
        found = real_latest(session, code)
        if not taken:  # the other save commits just after this one looked
            taken.append(record_another_version(engine, "同时保存的另一份修改"))
        return found

    monkeypatch.setattr(edits, "latest", latest)
    answer = client.post(EDIT, data={**form, "content": text.replace("联系人", "联络人"), "note": "同时保存"}, follow_redirects=True)
    shown = visible_text(answer.get_data(as_text=True))
    assert "考核标准在您保存的同时记录了新版本" in shown and "本次内容未保存" in shown
    assert versions(app) == [*before, taken[0]]
