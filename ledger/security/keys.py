"""The cipher key: made by ``llr keygen``, checked before the store is used.

With ``LLR_CIPHER_KEY`` set, the eventsourcing library encrypts and authenticates every
stored event and snapshot (AES-GCM). The store remembers *that* it is encrypted and a key
check value: the cipher's encryption of a fixed text, never the key. A store opened with
the wrong key, without its key, or with a key it was not made with is refused with a
message that says which, before anything is read or written.
"""

from __future__ import annotations

import binascii
from base64 import b64decode, b64encode

from eventsourcing.persistence import Cipher

from ledger.domain.errors import LedgerError

KEY_BYTES = 32  # AES-256
KEY_CHECK_TEXT = b"llr key check v1"
ENCRYPTED, KEY_CHECK = "encrypted", "key_check"


class CipherKeyError(LedgerError):
    """LLR_CIPHER_KEY is malformed, missing, or not the key of this store."""


def generate_key() -> str:
    """A fresh AES-256 key, base64-encoded as LLR_CIPHER_KEY takes it."""
    from eventsourcing.cipher import AESCipher

    return AESCipher.create_key(KEY_BYTES)


def check_key_format(key: str) -> None:
    """Refuse a key the cipher would reject with a traceback."""
    try:
        raw = b64decode(key.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) not in (16, 24, 32):
        raise CipherKeyError(
            "LLR_CIPHER_KEY is not a valid key: it must be 16, 24 or 32 bytes in base64, "
            "as 'llr keygen' prints"
        )
    try:
        import Crypto  # noqa: F401  (pycryptodome, from the eventsourcing[crypto] extra)
    except ImportError:
        raise CipherKeyError(
            "LLR_CIPHER_KEY is set but pycryptodome is not installed: "
            "pip install 'eventsourcing[crypto]'"
        ) from None


def key_check_value(cipher: Cipher) -> str:
    return b64encode(cipher.encrypt(KEY_CHECK_TEXT)).decode("ascii")


def matches(cipher: Cipher, check_value: str) -> bool:
    try:
        return cipher.decrypt(b64decode(check_value)) == KEY_CHECK_TEXT
    except (ValueError, binascii.Error):
        return False


def mismatch() -> CipherKeyError:
    return CipherKeyError(
        "LLR_CIPHER_KEY does not match the key this store was created with; nothing was "
        "read or written (without the right key the store cannot be read at all)"
    )


def key_missing() -> CipherKeyError:
    return CipherKeyError(
        "this store is encrypted: set LLR_CIPHER_KEY to the key it was created with"
    )


def key_not_expected() -> CipherKeyError:
    return CipherKeyError(
        "LLR_CIPHER_KEY is set but this store was created without encryption; unset it "
        "(encrypting an existing store, and key rotation, are not supported yet)"
    )


def settings_for(cipher: Cipher | None) -> dict[str, str]:
    """What ``llr init`` records about a new store's encryption."""
    if cipher is None:
        return {ENCRYPTED: "false"}
    return {ENCRYPTED: "true", KEY_CHECK: key_check_value(cipher)}


def check_settings(recorded: dict[str, str], cipher: Cipher | None) -> None:
    """Refuse a key that does not fit what the store recorded at ``llr init``."""
    encrypted = recorded.get(ENCRYPTED) == "true"
    if encrypted and cipher is None:
        raise key_missing()
    if not encrypted and cipher is not None:
        raise key_not_expected()
    if cipher is not None and not matches(cipher, recorded.get(KEY_CHECK, "")):
        raise mismatch()
