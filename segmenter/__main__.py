"""`python -m segmenter`: the same as the `segmenter` command."""

import sys

from .cli import main

sys.exit(main())
