"""`python -m build_tools.cli …`: the `credsite` command without the installed script."""

import sys

from build_tools.cli import main

sys.exit(main())
