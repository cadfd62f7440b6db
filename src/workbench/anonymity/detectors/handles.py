"""Social-media handles and profile links: "@oksana_kyiv_cph", "facebook.com/…", "på Snapchat som x_22"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan

_SITES = (
    "facebook|fb|instagram|instagr\\.am|tiktok|youtube|youtu\\.be|linkedin|twitter|x|snapchat|threads|"
    "pinterest|twitch|discord|t|vk|onlyfans|reddit|soundcloud|spotify|telegram"
)
# A profile link, with or without the scheme: "facebook.com/oksana.b", "https://www.tiktok.com/@x".
_PROFILE_LINK = re.compile(
    rf"(?<![\w.@/-])(?:https?://)?(?:www\.|m\.|web\.|[a-z]{{2}}\.)?(?:{_SITES})\.(?:com|me|net|am|be|gg)/[^\s<>\"'()\[\]]+",
    re.IGNORECASE,
)
# "@oksana_kyiv_cph" (an e-mail address has letters before the @).
_AT_HANDLE = re.compile(r"(?<![\w.@+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
# A platform by name (capitalised: the scan visits capitalised words), then a user name within
# a few words: "på Snapchat som ilhan_cph_2400".
_PLATFORMS = (
    "snapchat", "snap", "instagram", "insta", "tiktok", "facebook", "messenger", "discord", "telegram", "twitter",
    "youtube", "twitch", "roblox", "fortnite", "playstation", "xbox", "steam", "threads", "bereal", "kik",
    "signal", "whatsapp",
)
_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.]*[A-Za-z0-9_]")
_TRAILING = ".,;:!?"


def handles(scan: Scan) -> None:
    text = scan.text  # links are blanked out of scan.work
    if "/" in text and any(site in text.lower() for site in (".com/", ".me/", ".net/", ".am/", ".be/", ".gg/")):
        for m in _PROFILE_LINK.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in _TRAILING:
                end -= 1
            scan.add(0, m.start(), end, "profil")
    if "@" in text:
        for m in _AT_HANDLE.finditer(text):
            end = m.end()
            if end - m.start() >= 3 and text[end : end + 1] != "(":  # "@SUM(A1)" is a spreadsheet formula
                scan.add(0, m.start(), end, "profil")
    platforms = [scan.tokens[i] for i in scan.caps if scan.tokens[i][2].startswith(_PLATFORMS)]
    for end, _word, low in platforms:
        if low not in _PLATFORMS and not low.endswith(("s", "en", "et")):
            continue  # "Snapchat", "Snapchats", "TikToken"; not "Snapseren"
        user = _user_name_after(text, end)
        if user is not None:
            scan.add(0, user[0], user[1], "profil")


def _user_name_after(text: str, pos: int) -> tuple[int, int] | None:
    """The first word within four words after pos, on the same line, that reads as a user name:
    letters with an underscore, a digit or an inner dot ("ilhan_cph_2400", "xamdi.22")."""
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    for n, word in enumerate(re.finditer(r"\S+", text[pos:line_end])):
        if n >= 4:
            break
        m = _USER_NAME.search(word.group())
        if m is None:
            continue
        name = m.group()
        marked = any(c in "_." or c.isdigit() for c in name)
        if any(c.isalpha() for c in name) and marked and not name.startswith("http"):
            if "." in name and name.rsplit(".", 1)[-1].lower() in ("dk", "com", "net", "org"):
                continue  # a web address or an e-mail domain, found elsewhere
            start = pos + word.start() + m.start()
            return start, start + len(name)
    return None
