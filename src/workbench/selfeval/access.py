"""Personal codes for the self-evaluation form when it runs without a login (a laptop, `make form`).

Without a hub nobody is logged in, so anyone at the keyboard could type a colleague's initials. The first
save under a respondent's name therefore creates a personal code, shown once to that person; opening or
changing that respondent's answers later needs it. Only a salted PBKDF2 hash is kept, in
`selfeval/.adgangskoder.yaml` (readable by its owner only). On a team server the login decides who is
who and the codes are not used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import yaml

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.yaml import load_yaml_file
from workbench.selfeval.form import SelfEvalProject

CODES_FILE = ".adgangskoder.yaml"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: the code is read off a screen and typed
_ROUNDS = 200_000


def codes_path(project: SelfEvalProject) -> Path:
    return project.selfeval_dir / CODES_FILE


def _hash(code: str, salt: str) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", _normal(code).encode(), salt.encode(), _ROUNDS)
    return digest.hex()


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _read(project: SelfEvalProject) -> dict[str, str]:
    path = codes_path(project)
    if not path.exists():
        return {}
    data = load_yaml_file(path).data or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise WorkbenchError("Filen med personlige koder er ødelagt. Bed evaluator om at se på den.", path)
    return data


def has_code(project: SelfEvalProject, respondent: str) -> bool:
    return respondent in _read(project)


def check_code(project: SelfEvalProject, respondent: str, code: str) -> None:
    """Refuse, in Danish, unless `code` is the respondent's personal code."""
    stored = _read(project).get(respondent)
    if stored is None:
        return
    salt, _, expected = stored.partition("$")
    if not code.strip() or not hmac.compare_digest(_hash(code, salt), expected):
        raise WorkbenchError(
            f"Koden passer ikke til {respondent}. Skriv den personlige kode, du fik, da du første gang gemte "
            "dine svar. Har du mistet den, så spørg evaluator."
        )


def create_code(project: SelfEvalProject, respondent: str) -> str:
    """A new personal code for a respondent who has none; returns it so it can be shown once."""
    path = codes_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path):
        codes = _read(project)
        if respondent in codes:
            raise WorkbenchError(f"{respondent} har allerede en personlig kode.")
        code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        salt = secrets.token_hex(8)
        codes[respondent] = f"{salt}${_hash(code, salt)}"
        atomic_write_text(path, yaml.safe_dump(codes, sort_keys=True, allow_unicode=True), private=True)
    return f"{code[:4]}-{code[4:]}"
