"""The planning engine: pure Python, numpy and solvers, no Django.

It takes and returns plain dataclasses and arrays; the Django apps adapt ORM rows to it.
An import-linter contract in pyproject.toml keeps it that way.
"""
