"""The scope matrix's world (three enterprises, a mine and a team each, one account per role and place)."""

from tests.api.test_scope_matrix import world  # noqa: F401 - a fixture
