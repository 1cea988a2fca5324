"""`python -m bot` is `perfdash`."""

import sys

from bot.cli import main

sys.exit(main())
