"""`python -m workbench.ui.cli`: the same as the `workbench` command."""

import sys

from workbench.ui.cli import main

sys.exit(main())
