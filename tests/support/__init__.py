"""The one fixtures layer of the suite: every module here is registered for all tests by
`pytest_plugins` in tests/conftest.py. Tests get helpers as fixtures, never by import."""
