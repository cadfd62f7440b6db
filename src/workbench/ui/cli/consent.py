"""`workbench consent give|withdraw|log`: changing a document's consent deliberately, with who and why."""

from __future__ import annotations

from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    group = commands.group("consent", "giv eller træk samtykke tilbage for et dokument (logges)", "HANDLING")
    for action, help_text in (("give", "giv samtykke igen for et dokument"),
                              ("withdraw", "træk samtykket tilbage for et dokument")):
        p = group.add(action, cmd_change, help_text)
        p.add_argument("doc_id", metavar="ID", help="dokumentets id, fx INT-FAM-02")
        p.add_argument("--by", required=True, metavar="INITIALER", help="hvem der ændrer samtykket")
        p.add_argument("--reason", required=True, metavar="BEGRUNDELSE", help="hvorfor, fx 'mail fra mor 3/6'")
    group.add("log", cmd_log, "vis alle ændringer af samtykke")


def cmd_change(args) -> int:
    from workbench.privacy.consent import set_consent

    given = args.action == "give"
    record = set_consent(project_of(args), args.doc_id, "given" if given else "withdrawn", args.by, args.reason)
    word = "givet" if given else "trukket tilbage"
    print(f"Samtykke {word} for {record['id']} af {record['by']} ({record['time']}): {record['reason']}")
    return 0


def cmd_log(args) -> int:
    from workbench.privacy.consent import consent_log

    records = consent_log(project_of(args))
    for r in records:
        print(f"{r.get('time')}  {r.get('id')}  {r.get('from')} → {r.get('to')}  {r.get('by')}: {r.get('reason')}")
    if not records:
        print("Ingen ændringer af samtykke er registreret.")
    return 0
