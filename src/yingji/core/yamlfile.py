"""YAML for the bundled data files (plans, programmes, duties, campaigns …) and uploaded profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's loader where PyYAML was built with it: the same data, parsed about five times faster than pure Python —
# every process (server, worker, each CLI call) reads all the data files once at start.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> Any:
    """Safe-load YAML text (no tags that build objects)."""
    return yaml.load(text, Loader=SAFE_LOADER)


def read(path: Path) -> Any:
    """Safe-load a UTF-8 YAML file."""
    return parse(path.read_text(encoding="utf-8"))
