"""OpenID Connect: bearer JWTs signed by the identity provider, keys made by each test.

The checks run on the authenticator itself (no store); one test goes through the service
with the key set in a file, beside an API token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

from api.app import create_app
from api.jwks import REFETCH_SECONDS, JwksSource
from api.oidc import OidcAuthenticator
from api.principal import AuthenticationFailed
from api.problems import ApiProblem
from api.settings import OidcSettings
from ledger.domain.errors import InvalidInputError
from tests.api.service import settings_for
from tests.builders import EMPLOYER, INSZ
from tests.llr import ADMIN, Llr

ISSUER = "https://idp.example"
AUDIENCE = "llr-api"
RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}, private=True)
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"}, private=True)
ED = OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"}, private=True)
OTHER = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}, private=True)  # same kid


def key_set(*keys: Any) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def settings(**changes: Any) -> OidcSettings:
    return OidcSettings(**{"issuer": ISSUER, "audience": AUDIENCE, "jwks": "unused", **changes})


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    values = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u-42", "iat": now, "nbf": now,
              "exp": now + 300, "llr_role": "backoffice"}  # fmt: skip
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def signed(key: Any = RSA, alg: str = "RS256", **changes: Any) -> str:
    return jwt.encode({"alg": alg, "kid": key.kid}, claims(**changes), key, algorithms=[alg])


class Reads:
    """A key set's location as the test decides, counting how often it is read."""

    def __init__(self, *keys: Any) -> None:
        self.document = key_set(*keys)
        self.count = 0

    def __call__(self, location: str) -> bytes:
        self.count += 1
        return json.dumps(self.document).encode()


def authenticator(
    reads: Callable[[str], bytes] | None = None, monotonic: Callable[[], float] = time.monotonic,
    **changes: Any,
) -> OidcAuthenticator:  # fmt: skip
    keys = JwksSource("https://idp.example/jwks", reads or Reads(RSA, EC, ED), monotonic)
    return OidcAuthenticator(settings(**changes), (), keys)


def refusal(credential: str, **changes: Any) -> str:
    with pytest.raises(AuthenticationFailed) as refused:
        authenticator(**changes)(credential)
    return str(refused.value)


# ---------------------------------------------------------------------------- accepted
@pytest.mark.parametrize(
    ("key", "alg"), [(RSA, "RS256"), (RSA, "PS256"), (EC, "ES256"), (ED, "Ed25519")]
)
def test_a_good_jwt_proves_its_subject_in_the_role_of_its_claim(key: Any, alg: str) -> None:
    principal = authenticator()(signed(key, alg, aud=["other", AUDIENCE]))

    assert principal is not None
    assert (principal.actor, str(principal.role)) == ("oidc:u-42", "backoffice")
    assert principal.credential == f"oidc:{ISSUER}"


def test_the_role_and_actor_claims_are_the_settings_and_an_importer_is_bound() -> None:
    token = signed(groups_role=f"importer:{EMPLOYER}", email="anna@example.org")

    principal = authenticator(role_claim="groups_role", actor_claim="email")(token)

    assert principal is not None
    assert (principal.actor, str(principal.role)) == ("oidc:anna@example.org",
                                                      f"importer:{EMPLOYER}")  # fmt: skip


def test_a_credential_that_is_not_a_jwt_is_left_to_the_other_authenticators() -> None:
    reads = Reads(RSA)
    oidc = authenticator(reads)

    assert oidc(f"llr_{'0' * 16}_{'A' * 43}") is None
    assert oidc("a.b.c") is None
    assert oidc("not-a-token") is None
    assert reads.count == 0


# ---------------------------------------------------------------------------- refused
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"iss": "https://evil.example"}, "was issued by 'https://evil.example', not by"),
        ({"aud": "another-api"}, "is meant for 'another-api', not for 'llr-api'"),
        ({"aud": ["a", "b"]}, "is meant for ['a', 'b']"),
        ({"aud": None}, "has no 'aud' claim"),
        ({"exp": int(time.time()) - 120}, "the JWT expired on "),
        ({"exp": None}, "has no 'exp' claim"),
        ({"nbf": int(time.time()) + 600}, "is not valid before "),
        ({"iat": int(time.time()) + 600}, "says it was issued in the future"),
        ({"llr_role": None}, "has no 'llr_role' claim: the identity provider must give"),
        ({"llr_role": "root"}, "the JWT's 'llr_role' claim 'root': must be backoffice"),
        ({"llr_role": ["admin"]}, "the JWT's 'llr_role' claim must be a string"),
        ({"sub": None}, "has no 'sub' claim naming the caller"),
    ],
)
def test_a_jwt_breaking_a_claim_rule_is_refused_naming_the_rule(
    changes: dict[str, Any], message: str
) -> None:
    assert message in refusal(signed(**changes))


def test_a_little_clock_skew_is_within_the_leeway() -> None:
    now = int(time.time())

    principal = authenticator()(signed(nbf=now + 10, iat=now + 10, exp=now - 10))

    assert principal is not None


def test_a_jwt_signed_by_another_key_is_refused_for_its_signature() -> None:
    assert "signature does not verify" in refusal(signed(OTHER))


def part(value: dict[str, Any] | bytes) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_an_unsigned_jwt_alg_none_is_refused() -> None:
    unsigned = f"{part({'alg': 'none', 'kid': 'rsa-1'})}.{part(claims())}."

    assert "algorithm 'none' is not accepted" in refusal(unsigned)


def test_an_hs256_jwt_signed_with_the_public_key_as_a_secret_is_refused() -> None:
    # The classic confusion: HMAC keyed with the provider's public key, which anyone has.
    signing_input = f"{part({'alg': 'HS256', 'kid': 'rsa-1'})}.{part(claims(llr_role='admin'))}"
    mac = hmac.new(RSA.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{part(mac)}"

    assert "algorithm 'HS256' is not accepted" in refusal(forged)


@pytest.mark.parametrize("algorithms", [("HS256",), ("RS256", "none"), ()])
def test_settings_naming_a_shared_secret_or_no_algorithm_are_refused(
    algorithms: tuple[str, ...],
) -> None:
    with pytest.raises(InvalidInputError, match="only signatures with a public key"):
        authenticator(algorithms=algorithms)


def test_a_key_set_over_plain_http_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="keys must come over https"):
        JwksSource("http://idp.example/jwks")


# ------------------------------------------------------------------------ the key set
def test_an_unknown_kid_reads_the_key_set_again_at_most_once_a_minute() -> None:
    rotated = RSAKey.generate_key(2048, parameters={"kid": "rsa-2"}, private=True)
    reads, now = Reads(RSA), [1000.0]
    oidc = authenticator(reads, monotonic=lambda: now[0])
    assert oidc(signed()) is not None
    reads.document = key_set(RSA, rotated)

    soon = refusal_of(oidc, signed(rotated))
    now[0] += REFETCH_SECONDS
    later = oidc(signed(rotated))
    unknown = [refusal_of(oidc, signed(OTHER.__class__.generate_key(
        2048, parameters={"kid": f"made-up-{n}"}, private=True))) for n in range(3)]  # fmt: skip

    assert "key id 'rsa-2': not a key of the identity provider" in soon
    assert later is not None
    assert all("not a key of the identity provider" in text for text in unknown)
    assert reads.count == 2  # the first read, and one a minute later; none for made-up kids


def refusal_of(oidc: OidcAuthenticator, credential: str) -> str:
    with pytest.raises(AuthenticationFailed) as refused:
        oidc(credential)
    return str(refused.value)


def test_keys_that_cannot_be_read_are_the_services_problem_503_not_the_callers() -> None:
    def down(location: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(ApiProblem) as problem:
        authenticator(down)(signed())

    assert (problem.value.status, problem.value.slug) == (503, "identity-provider-unavailable")


# ------------------------------------------------------------------- through the service
def test_the_service_takes_jwts_with_keys_from_a_file_beside_api_tokens(
    with_account: Llr, database_url: str, tmp_path: Path
) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(key_set(RSA, EC)))
    token = with_account.ok("token", "issue", "--actor", "staff:anna", "--role", "backoffice",
                            **ADMIN).stdout.strip()  # fmt: skip
    oidc = settings(jwks=str(jwks))
    app = create_app(settings_for(database_url, tmp_path, oidc=oidc), authenticators=None)
    with TestClient(app, raise_server_exceptions=False) as client:
        by_jwt, by_token, wrong = (
            client.get(f"/api/v1/citizens/{INSZ}/balance", headers={
                "Authorization": f"Bearer {credential}", "X-Reason": "test: citizen called"})
            for credential in (signed(EC, "ES256"), token, signed(aud="x"))
        )  # fmt: skip

    assert (by_jwt.status_code, by_token.status_code) == (200, 200), by_jwt.text
    assert wrong.status_code == 401
    assert wrong.json()["type"] == "/api/v1/problems/invalid-credential"
    log = with_account.json("access-log", INSZ)["entries"]
    assert [e["actor"] for e in log] == ["oidc:u-42", "staff:anna"]
