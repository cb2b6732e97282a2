#!/usr/bin/env python
"""Django's manage.py, for those who expect one; `guanxi` is the same."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from guanxi.cli import main

if __name__ == "__main__":
    main()
