"""The comments tests use the content app's people and bulletin helpers and their own fixtures."""

from nguon.comments.tests.fixtures import open_bulletin, public_bulletin  # noqa: F401
from nguon.content.tests.conftest import bulletin_input, category, department, people, sign_in  # noqa: F401
