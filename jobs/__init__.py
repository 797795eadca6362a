"""Long work on a queue (Huey): printing a period's forms into one ZIP, recomputing grades, importing a
registry file; each job is a row in the database that says its state and progress."""
