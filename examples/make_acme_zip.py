"""Build examples/acme-export/bots/support.zip, the example's zipped bot export.

Run from the repository root: `python examples/make_acme_zip.py`. The zip is committed too; this
script documents exactly what is in it and rebuilds it byte for byte (fixed timestamps). Every
credential in it is FAKE: the secrets decode to "FAKE-acme-…" and the JWT is signed with one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zipfile
from pathlib import Path

OUT = Path(__file__).parent / "acme-export" / "bots" / "support.zip"
SUPPORT_BOT = "st-5a1e0000-0000-4000-8000-00000000000a"
SUPPORT_API = "cs-a11ce000-0000-4000-8000-000000000002"
# FAKE: base64 of b"FAKE-acme-support-api-secret-01!" (the shape of a real Kore client secret)
SUPPORT_API_SECRET = "RkFLRS1hY21lLXN1cHBvcnQtYXBpLXNlY3JldC0wMSE="


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_hs256(payload: dict, secret: str) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64url(signature)}"


# Planted: a Kore API token pasted into a service node; no exp, no jti (the app enforces JTI).
API_TOKEN = sign_hs256({"sub": "support-bot-history", "appId": SUPPORT_API, "iat": 1767225600}, SUPPORT_API_SECRET)

BOT_DEFINITION = {
    "_id": SUPPORT_BOT,
    "name": "Support",
    "defaultLanguage": "en",
    "dialogComponents": [
        {
            "_id": "dc-5a1e0000-0000-4000-8000-000000000101",
            "type": "service",
            "name": "FetchChatHistory",
            "serviceType": "restAPI",
            "endPoint": {
                "url": f"https://platform.kore.ai/api/public/bot/{SUPPORT_BOT}/getMessages",
                "method": "post",
                "protocol": "https",
            },
            "headers": {"value": json.dumps({"auth": API_TOKEN, "content-type": "application/json"})},
            "authRequired": False,
        },
        {
            "_id": "dc-5a1e0000-0000-4000-8000-000000000102",
            "type": "service",
            "name": "LookupTicket",
            "serviceType": "restAPI",
            "endPoint": {
                "url": "http://tickets.acme-support.example/api/v2/tickets?api_key=FAKEticketKey0000000001",
                "method": "get",
                "protocol": "http",
            },
            "headers": {"value": json.dumps([{"key": "x-api-key", "value": "FAKE-tickets-key-7f3a9c2e51d04b8a"},
                                             {"key": "Accept", "value": "application/json"}])},
            "authRequired": True,
            "idp": "ap-5a1e0000-0000-4000-8000-0000000000ff",
        },
        {
            "_id": "dc-5a1e0000-0000-4000-8000-000000000103",
            "type": "service",
            "name": "CreateIncident",
            "serviceType": "restAPI",
            "endPoint": {
                "url": "https://acme.service-now.example/api/now/table/incident",
                "method": "post",
                "protocol": "https",
            },
            "headers": {"value": json.dumps({"Authorization": "Bearer {{env.SNOW_TOKEN}}"})},
            "authRequired": True,
            "idp": "ap-5a1e0000-0000-4000-8000-000000000201",
        },
    ],
    "idpConfigurations": [
        {
            "_id": "ap-5a1e0000-0000-4000-8000-000000000201",
            "name": "ServiceNow OAuth",
            "sso_type": "oauth2",
            "connectorEnabled": False,
            "hasTenancy": False,
            "oauth": {
                "idpName": "ServiceNow",
                "clientId": "acme-snow-client",
                "clientSecret": "FAKE-snow-client-secret-0001",
                "authorizationUrl": "https://acme.service-now.example/oauth_auth.do",
                "tokenUrl": "http://acme.service-now.example/oauth_token.do",
                "callbackUrl": "https://oauth-relay.acme-tools.example/callback",
                "scope": [{"key": "scope", "value": "useraccount"}],
            },
            "fields": [
                {"type": "query", "key": "api_key", "value": "FAKEsnowQueryKey9a8b7c6d5e4f"},
                {"type": "header", "key": "Accept", "value": "application/json"},
            ],
            "state": "published",
        }
    ],
}

CONFIG = {
    "envVariables": [
        {"key": "SNOW_TOKEN", "value": "", "isSecured": True, "hint": "ServiceNow token"},
        {"key": "TICKETS_BASE_URL", "value": "https://tickets.acme-support.example", "isSecured": False},
    ]
}


def build() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("botDefinition.json", BOT_DEFINITION), ("config.json", CONFIG)):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 3, 13, 38, 48))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, json.dumps(data, indent=2) + "\n")
    return buffer.getvalue()


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
