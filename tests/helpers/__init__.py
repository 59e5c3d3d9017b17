"""Plain helpers the tests import, one module a concern.

They live here rather than in conftest.py files so that conftest.py holds only fixtures and
hooks, and so that a test imports a helper from a module named for what it does instead of
from whichever conftest.py happened to define it first.
"""
