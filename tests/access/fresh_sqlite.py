"""Run a script of this folder in a fresh SQLite installation of its own (a file in `data_dir`),
whatever database the rest of the suite uses; its JSON lines are the answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_script(name: str, data_dir: Path, *args: str) -> list[dict[str, Any]]:
    env = {**os.environ, "GUANXI_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"}
    for variable in ("DATABASE_URL", "SQLITE_TEST_NAME"):
        env.pop(variable, None)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(name)), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
