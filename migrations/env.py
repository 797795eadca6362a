"""Alembic environment: the target schema is the core tables (``Model.metadata``). The pack's own
schema (a header table per kind, the kinds' unique keys) is not Alembic's: ``flask platform sync``
and ``criteria apply`` keep it, so autogenerate never proposes to drop it."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from models.schema_sync import kept_table

config = context.config
# The platform's own loggers stay on after a migration run in the same process (tests, demo set-up).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return not (reflected and compare_to is None and kept_table(name))
    if type_ == "index" and reflected and compare_to is None and name.startswith("uq_assessment_"):
        return False  # a kind's unique key (models.assessments.partial_keys)
    return True


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        include_object=include_object,
        literal_binds=True,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.pop("render_as_batch", None)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":  # batch mode copies tables: dropping one must not cascade
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # ends the transaction the statement began; the migrations run in their own
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
