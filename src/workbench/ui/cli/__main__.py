"""`python -m workbench.ui.cli`: the same as the `workbench` command."""

from workbench.ui.cli import main

if __name__ == "__main__":  # importing the module (as the export-gate test imports every module) runs nothing
    raise SystemExit(main())
