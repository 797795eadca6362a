"""Use cases of the platform: the only code that writes what a door (screen, REST API, CLI) asks for.

Each module holds one use case; doors call them and never import each other.
"""
