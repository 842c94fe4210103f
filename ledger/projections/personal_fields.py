"""Personal values in the read models, encrypted with the store's own cipher when it has one.

With ``LLR_CIPHER_KEY`` set, the events are encrypted, and so must be whatever the read
models copy out of them about a person: the education level and birth year (take-up) and
the masked INSZ, which still shows the birth date (expiring). Such a value is stored as
the base64 text of the application's cipher output (AES-GCM, a fresh nonce each time), and
reports decrypt it in Python. Without a key the value is stored as it is.

Encrypted values cannot be grouped or sorted in SQL (the same text encrypts differently
each time), so reports that need them aggregate or sort after decrypting; see
``reports.py``.
"""

from __future__ import annotations

from base64 import b64decode, b64encode

from eventsourcing.persistence import Cipher

from ledger.store.read_models.base import ProjectionError


class FieldCipher:
    """Encrypts and decrypts personal text fields with the cipher of the event store (or
    leaves them as they are when the store has none)."""

    def __init__(self, cipher: Cipher | None) -> None:
        self.cipher = cipher
        self.decrypted: dict[str, str] = {}  # stored text -> clear text, for reports

    @property
    def encrypts(self) -> bool:
        return self.cipher is not None

    def encrypt(self, text: str) -> str:
        if self.cipher is None:
            return text
        return b64encode(self.cipher.encrypt(text.encode())).decode("ascii")

    def decrypt(self, stored: str) -> str:
        """The clear text of a stored value; remembered, since a report meets a citizen's
        value once per row of that citizen."""
        if self.cipher is None:
            return stored
        found = self.decrypted.get(stored)
        if found is None:
            try:
                found = self.cipher.decrypt(b64decode(stored, validate=True)).decode()
            except ValueError as error:  # base64, GCM tag or UTF-8: all mean the same here
                raise ProjectionError(
                    "a sealed read-model value cannot be opened with LLR_CIPHER_KEY: the read "
                    "models were built with another key or without one; rebuild them "
                    "(llr projections rebuild)"
                ) from error
            self.decrypted[stored] = found
        return found
