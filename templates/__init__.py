"""Jinja templates of the wiki (a package so that they ship in wheels)."""
