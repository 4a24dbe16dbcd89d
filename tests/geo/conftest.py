"""The monitoring tests' site (a coal mine and a tailings pond of one enterprise in 东胜区, its gateway, officers of
东胜区 and 杭锦旗): the map's layers are read over it."""

from tests.monitoring.conftest import site  # noqa: F401
