"""The domain worlds the upload, input and export tests of core run in, borrowed from the domains' own fixtures."""

from tests.metrology.conftest import headers, site  # noqa: F401
from tests.programmes.conftest import world  # noqa: F401
from tests.property.conftest import people, places  # noqa: F401
