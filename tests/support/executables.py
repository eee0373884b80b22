"""Where the tests find the `srm` command: the one installed beside the interpreter running them."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def srm_executable() -> str:
    """The `srm` installed beside this interpreter (`pip install -e`), so tests run this checkout's code
    whatever the working directory."""
    path = shutil.which("srm", path=str(Path(sys.executable).parent))
    assert path, f"no srm beside {sys.executable}: run pip install -e '.[test]'"
    return path
