"""Load script: a fresh demo database, the platform on gunicorn, locust journeys, and the figures.

``bash scripts/load.sh`` (or ``.venv/bin/python -m loadtest``); ``--help`` lists the options.
"""
