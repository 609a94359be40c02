"""Codes as the NHS files write them: postcodes (matched without spaces), ODS practice codes
and names in upper case. Shared by every NHS reader."""
from __future__ import annotations

import re

ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")


def norm_postcode(value) -> str:
    """'me7 4pn' / 'ME74PN' / 'ME7  4PN' → 'ME74PN' (the key postcodes are matched on)."""
    return re.sub(r"[^A-Z0-9]", "", str(value or "").upper())


def pretty_postcode(value) -> str:
    key = norm_postcode(value)
    return f"{key[:-3]} {key[-3:]}" if len(key) >= 5 else key


def title_name(name: str) -> str:
    """ODS names are upper case ('ST. MARY'S MEDICAL CENTRE'); show them as a planner would."""
    words = []
    for word in str(name).split():
        if word in {"&", "-", "OOH", "NHS", "GP", "MC", "DMC", "MCH", "HLC"}:
            words.append(word)
        else:
            w = word.capitalize()
            w = re.sub(r"'S\b", "'s", w)
            w = re.sub(r"(?<=[-(/])([a-z])", lambda m: m.group(1).upper(), w)
            words.append(w)
    return " ".join(words)
