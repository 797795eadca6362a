"""Alembic environment: the target schema is the core tables plus the tables generated
from the app's criteria pack (tables of other packs loaded in the same process are ignored)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from models import pack_tables
from models.schema_sync import kept_table

config = context.config
# The platform's own loggers stay on after a migration run in the same process (tests, demo set-up).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
wanted = {table.name for table in pack_tables(current_app.extensions["criteria_pack"])}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name in wanted or (reflected and compare_to is None and not kept_table(name))
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
