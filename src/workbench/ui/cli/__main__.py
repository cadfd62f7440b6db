"""`python -m workbench.ui.cli`: the same as the `workbench` command."""

from workbench.ui.cli import main

if __name__ == "__main__":  # importing the module (test_export_gate walks every ui module) must not run it
    raise SystemExit(main())
