"""`python -m workbench.ui.cli`: the same as the `workbench` command."""

from workbench.ui.cli import main

raise SystemExit(main())
