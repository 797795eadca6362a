"""Look up demo records by their natural keys inside a test app."""

from __future__ import annotations

from typing import Any

from flask import Flask

from models import AppUser, Enterprise, Project, db


def user(app: Flask, username: str) -> AppUser:
    with app.app_context():
        found = db.session.query(AppUser).filter_by(username=username).one()
        db.session.expunge(found)
        return found


def ids(app: Flask, model: type, **filters: Any) -> list[int]:
    with app.app_context():
        return [row.id for row in db.session.query(model).filter_by(**filters).order_by(model.id)]


def enterprise_of(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.query(AppUser).filter_by(username=username).one().enterprise_id


def other_enterprise(app: Flask, username: str) -> int:
    own = enterprise_of(app, username)
    return next(i for i in ids(app, Enterprise) if i != own)


def count(app: Flask, model: type, **filters: Any) -> int:
    with app.app_context():
        return db.session.query(model).filter_by(**filters).count()


def kind_model(app: Flask, code: str) -> type:
    return app.extensions["kind_models"][code].assessment


def project_of_other(app: Flask, enterprise_id: int) -> int:
    with app.app_context():
        return db.session.query(Project).filter(Project.enterprise_id != enterprise_id).first().id


def reviewer_of(district: Any) -> str:
    """The demo login that reviews a record of ``district`` (the city station for a city-reviewed one)."""
    return "city_station" if district.city_reviewed else f"district_authority_{district.code}"
