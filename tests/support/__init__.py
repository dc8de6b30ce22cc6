"""Test helpers shared by the fixtures in conftest.py."""
