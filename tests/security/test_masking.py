"""Masking: the INSZ shows in full only to the roles that need it (backoffice, admin);
every other role sees 93.05.18-***.**, in text and in JSON alike."""

from __future__ import annotations

from tests.builders import INSZ, INSZ_SHOWN
from tests.llr import Llr

MASKED = "93.05.18-***.**"
READS = [
    ("balance", INSZ),
    ("history", INSZ),
    ("explain", INSZ, "vov-hours"),
    ("access-log", INSZ),
]


def test_an_auditor_sees_the_insz_masked_in_text_and_json(with_account: Llr) -> None:
    texts = [with_account.ok(*read, LLR_ROLE="auditor").stdout for read in READS]
    shown = [with_account.json(*read, LLR_ROLE="auditor")["insz"] for read in READS]

    assert all(MASKED in text for text in texts)
    assert not any(INSZ_SHOWN in text or INSZ in text for text in texts)
    assert shown == [MASKED] * len(READS)


def test_backoffice_sees_the_insz_in_full(with_account: Llr) -> None:
    shown = [with_account.json(*read)["insz"] for read in READS]

    assert shown == [INSZ_SHOWN] * len(READS)
