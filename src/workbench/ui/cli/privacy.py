"""`workbench check-anonymity` and `workbench pseudonymise`: finding and replacing personal data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    p = commands.add("check-anonymity", cmd_check_anonymity, "søg efter personoplysninger i hele projektet")
    p.add_argument("--json", action="store_true")

    p = commands.add("pseudonymise", cmd_pseudonymise, "erstat personoplysninger i en fil med faste pladsholdere")
    p.add_argument("file", metavar="FIL")
    p.add_argument("--key", required=True, metavar="NØGLEFIL", help="nøglefil uden for projektmappen")


def cmd_check_anonymity(args) -> int:
    from workbench.anonymity import detectors_run, ner_status
    from workbench.privacy.fingerprints import current_fingerprints
    from workbench.privacy.guard import scan_project

    project = project_of(args)
    findings = scan_project(project)
    current_fingerprints(project)  # documents withdrawn by hand in their front matter get their fingerprint here
    ner = ner_status()
    if args.json:
        report = {
            "detectors": detectors_run(),
            "ner": {"model": ner.model, "error": ner.error},
            "findings": [f.as_dict() for f in findings],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
        if not findings:
            print("Ingen mulige personoplysninger fundet.")
        # on stderr, so that stdout stays one line per finding
        print("Søgt efter: " + ", ".join(detectors_run()) + ".", file=sys.stderr)
        if ner.error:
            print(ner.error, file=sys.stderr)
    return 1 if findings else 0


def cmd_pseudonymise(args) -> int:
    from workbench.privacy.pseudonymise import pseudonymise_file

    project = project_of(args)
    findings = pseudonymise_file(
        Path(args.file),
        Path(args.key),
        project.root,
        allowed=project.codebook.anonymity.allowed_terms,
        places=project.codebook.anonymity.local_places,
    )
    print(f"{len(findings)} forekomster erstattet i {args.file}. Nøglen er gemt i {args.key} (del den aldrig).")
    return 0
