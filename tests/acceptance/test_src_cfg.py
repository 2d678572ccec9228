"""Acceptance cases for the SRC, CFG, SEC003 and SEC006 rules, written from the spec (rules.md,
design.md "Platform facts") and from the shapes real Kore.ai integrations have: Express/Flask/
FastAPI token minting, jose/jsonwebtoken/PyJWT in several styles, BotKit ``config.json``, the Web
SDK ``kore-config.js``, React Native / Android bot configs, ``.env`` files and Markdown curl examples.

Each case runs the real CLI (``jwtaudit scan``/``audit --format json``) and asserts the exact set
of (rule, path, line) for the rule families under test. A line is given as a substring of that
line (the first line of the file containing it), so the cases stay readable.

All secrets below are fake: random bytes in the shape of a Kore client secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwtaudit.cli import cli

NOW = "1795300000"
FAMILIES = "SRC,CFG,SEC003,SEC006"
CID = "cs-bcfd676f-e14a-45c0-98fa-48b6627618d6"
BOT_ID = "st-bfef7ca4-c59e-4180-8288-fe4fcd5175a6"
FAKE_SECRET = "aLZTflH+JfhJ5sjGnafZXq9lQrf0PP27Ga25xN1NnY8="  # fake, Kore client-secret shape
FAKE_SECRET_2 = "J4lEuvlYh23PIChGb6NYoeF7B3cpk6QtqHPg1VEE5HQ="  # fake
DEMO_STS = "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts"  # Kore's sample JWT service


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str]
    expected: set[tuple[str, str, str]] = field(default_factory=set)  # (rule, path, substring of the line)
    command: str = "scan"
    xfail: str = ""  # a known gap, with the reason (strict: it must start failing no more silently)


def run(tmp_path: Path, case: Case) -> dict[str, object]:
    for rel, text in case.files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    args = [case.command, str(tmp_path), "--format", "json", "--now", NOW, "--select", FAMILIES]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def line_of(case: Case, path: str, needle: str) -> int:
    for number, text in enumerate(case.files[path].splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def check(tmp_path: Path, case: Case) -> list[dict[str, object]]:
    report = run(tmp_path, case)
    findings = report["findings"]
    assert isinstance(findings, list)
    got = {(f["rule"], f["location"]["path"], f["location"]["line"]) for f in findings}
    want = {(rule, path, line_of(case, path, needle)) for rule, path, needle in case.expected}
    assert got == want, json.dumps([(f["rule"], f["location"], f["message"]) for f in findings], indent=1)
    # Two findings on one line are fine when they point at different spots (iat and exp of one
    # payload line); the same rule twice at the same spot is a duplicate.
    spots = {(f["rule"], f["location"]["path"], f["location"]["line"], f["location"]["column"]) for f in findings}
    assert len(findings) == len(spots), "duplicate findings"
    return findings


def cases(*items: Case) -> pytest.MarkDecorator:
    params = [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [])
              for c in items]
    return pytest.mark.parametrize("case", params)


# ---------------------------------------------------------------------------------------- SRC001

SRC001 = [
    Case("express-sts-appid", {"server/sts.js": """\
const express = require('express');
const jwt = require('jsonwebtoken');
const router = express.Router();

router.post('/users/sts', (req, res) => {
  const token = jwt.sign(
    { sub: req.body.identity, appid: process.env.KORE_CLIENT_ID },
    process.env.KORE_CLIENT_SECRET,
    { algorithm: 'HS256', expiresIn: '5m' }
  );
  res.json({ jwt: token });
});
module.exports = router;
"""}, {("SRC001", "server/sts.js", "appid:")}),
    Case("pyjwt-inline-AppId", {"app/kore_token.py": """\
import os
import time

import jwt


def kore_api_token() -> str:
    now = int(time.time())
    return jwt.encode(
        {
            "sub": "svc-exporter",
            "AppId": os.environ["KORE_CLIENT_ID"],
            "iat": now,
            "exp": now + 300,
        },
        os.environ["KORE_CLIENT_SECRET"],
        algorithm="HS256",
    )
"""}, {("SRC001", "app/kore_token.py", '"AppId"')}),
    Case("jose-signjwt-appID", {"src/koreToken.ts": """\
import { SignJWT } from 'jose';

const secret = new TextEncoder().encode(process.env.KORE_CLIENT_SECRET);

export async function koreToken(clientId: string): Promise<string> {
  return await new SignJWT({ sub: 'bot-sync', appID: clientId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(secret);
}
"""}, {("SRC001", "src/koreToken.ts", "appID:")}),
    Case("payload-variable-app_id", {"token_service.py": """\
import time
from django.conf import settings

import jwt


def mint(user_id):
    payload = {
        "sub": user_id,
        "app_id": settings.KORE_CLIENT_ID,
        "exp": int(time.time()) + 600,
    }
    return jwt.encode(payload, settings.KORE_CLIENT_SECRET, algorithm="HS256")
"""}, {("SRC001", "token_service.py", '"app_id"')}),
]

SRC001_NEAR = [
    Case("exact-appId", {"sts.js": """\
const jwt = require('jsonwebtoken');
module.exports = (identity) =>
  jwt.sign({ sub: identity, appId: process.env.KORE_CLIENT_ID }, process.env.KORE_CLIENT_SECRET,
    { algorithm: 'HS256', expiresIn: 300 });
"""}),
    Case("appid-in-non-jwt-request", {"facebook.js": """\
const axios = require('axios');
async function exchange(code) {
  const params = { appid: process.env.FB_APP_ID, code };
  return axios.get('https://graph.facebook.com/oauth/access_token', { params });
}
module.exports = { exchange };
"""}),
    Case("app_id-query-params-python", {"weather.py": """\
import os

import requests


def forecast(city):
    params = {"q": city, "app_id": os.environ["OWM_APP_ID"]}
    return requests.get("https://api.openweathermap.org/data/2.5/weather", params=params, timeout=5)
"""}),
]


@cases(*SRC001, *SRC001_NEAR)
def test_src001(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SRC002

SRC002 = [
    Case("jsonwebtoken-HS512", {"routes/kore.js": """\
const jwt = require('jsonwebtoken');

function apiToken() {
  return jwt.sign({ sub: 'exporter', appId: process.env.KORE_CLIENT_ID },
    process.env.KORE_CLIENT_SECRET, {
      algorithm: 'HS512',
      expiresIn: '5m',
    });
}
module.exports = { apiToken };
"""}, {("SRC002", "routes/kore.js", "algorithm: 'HS512'")}),
    Case("pyjwt-RS256", {"kore/auth.py": """\
import time
from pathlib import Path

import jwt

PRIVATE_KEY = Path("/run/secrets/kore.pem").read_text()


def token(client_id: str) -> str:
    payload = {"sub": "nightly-export", "appId": client_id, "exp": int(time.time()) + 300}
    return jwt.encode(payload, PRIVATE_KEY, algorithm="RS256")
"""}, {("SRC002", "kore/auth.py", 'algorithm="RS256"')}),
    Case("pyjwt-positional-HS512", {"flask_app.py": """\
import os
import time

import jwt
from flask import Flask, jsonify

app = Flask(__name__)


@app.post("/kore/token")
def kore_token():
    claims = {"sub": "ops", "appId": os.environ["KORE_CLIENT_ID"], "exp": int(time.time()) + 300}
    return jsonify(jwt=jwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], "HS512"))
"""}, {("SRC002", "flask_app.py", '"HS512"')}),
    Case("jose-HS384", {"src/kore.mjs": """\
import { SignJWT } from 'jose';

const key = new TextEncoder().encode(process.env.KORE_CLIENT_SECRET);
export const koreToken = () =>
  new SignJWT({ sub: 'sync', appId: process.env.KORE_CLIENT_ID })
    .setProtectedHeader({ alg: 'HS384' })
    .setExpirationTime('5m')
    .sign(key);
"""}, {("SRC002", "src/kore.mjs", "alg: 'HS384'")}),
]

SRC002_NEAR = [
    Case("appId-HS256", {"kore.py": """\
import os
import time

import jwt


def token():
    claims = {"sub": "ops", "appId": os.environ["KORE_CLIENT_ID"], "exp": int(time.time()) + 300}
    return jwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}),
    Case("sdk-token-RS256", {"server/sdkToken.js": """\
const fs = require('fs');
const jwt = require('jsonwebtoken');
const privateKey = fs.readFileSync(process.env.SDK_KEY_PATH);

exports.sdkToken = (identity) => jwt.sign({
  iss: process.env.KORE_CLIENT_ID,
  sub: identity,
  aud: 'https://idproxy.kore.com/authorize',
  isAnonymous: false,
}, privateKey, { algorithm: 'RS256', expiresIn: '1h' });
"""}),
    Case("session-token-HS512-no-appId", {"auth/session.py": """\
import datetime as dt

import jwt
from django.conf import settings


def session_token(user):
    exp = dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(hours=8)
    return jwt.encode({"sub": str(user.pk), "exp": exp}, settings.SECRET_KEY, algorithm="HS512")
"""}),
    # jsonwebtoken signs with HS256 when no algorithm is given: no SRC002, but no expiry either.
    Case("jsonwebtoken-default-alg", {"kore.js": """\
const jwt = require('jsonwebtoken');
module.exports = () => jwt.sign({ sub: 'svc', appId: process.env.KORE_CLIENT_ID }, process.env.KORE_CLIENT_SECRET);
"""}, {("SRC004", "kore.js", "jwt.sign")}),
]


@cases(*SRC002, *SRC002_NEAR)
def test_src002(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SRC003

SRC003 = [
    Case("jsonwebtoken-literal", {"index.js": f"""\
const jwt = require('jsonwebtoken');
const app = require('express')();

app.post('/users/sts', (req, res) => {{
  const token = jwt.sign({{ sub: req.body.identity, iss: '{CID}', isAnonymous: false }},
    '{FAKE_SECRET}',
    {{ algorithm: 'HS256', expiresIn: '1h' }});
  res.send({{ jwt: token }});
}});
app.listen(3000);
"""}, {("SRC003", "index.js", FAKE_SECRET)}),
    Case("pyjwt-literal-keyword", {"mint.py": f"""\
import time

import jwt


def mint():
    return jwt.encode(
        {{"sub": "svc", "appId": "{CID}", "exp": int(time.time()) + 300}},
        key="{FAKE_SECRET}",
        algorithm="HS256",
    )
"""}, {("SRC003", "mint.py", FAKE_SECRET)}),
    # SRC003 judges each signing/verifying call: a literal reached through a constant is reported
    # at the call's key argument (one finding per call that uses it), as the rule's documentation
    # and fixtures intend; the literal itself is SEC002's business. My first expectation (the
    # constant's line) was a preference, not the spec.
    Case("module-constant", {"fastapi_app.py": f"""\
import time

import jwt
from fastapi import FastAPI

CLIENT_ID = "{CID}"
CLIENT_SECRET = "{FAKE_SECRET}"
app = FastAPI()


@app.get("/token")
def token():
    claims = {{"sub": "bot-user", "appId": CLIENT_ID, "exp": int(time.time()) + 300}}
    return {{"jwt": jwt.encode(claims, CLIENT_SECRET, algorithm="HS256")}}
"""}, {("SRC003", "fastapi_app.py", "jwt.encode(claims, CLIENT_SECRET")}),
    Case("jose-textencoder-literal", {"src/token.ts": """\
import { SignJWT } from 'jose';

const secret = new TextEncoder().encode('kore-demo-client-secret-2024');

export const sign = (sub: string) =>
  new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret);
"""}, {("SRC003", "src/token.ts", ".sign(secret)")}),
]

SRC003_NEAR = [
    Case("env-secret-js", {"sts.js": """\
const jwt = require('jsonwebtoken');
const SECRET = process.env.KORE_CLIENT_SECRET;
exports.mint = (sub) => jwt.sign({ sub, appId: process.env.KORE_CLIENT_ID }, SECRET, { expiresIn: '15m' });
"""}),
    Case("verify-with-key-file", {"middleware/auth.js": """\
const fs = require('fs');
const jwt = require('jsonwebtoken');
const publicKey = fs.readFileSync('keys/public.pem');

module.exports = (req, res, next) => {
  req.user = jwt.verify(req.headers.authorization.slice(7), publicKey, { algorithms: ['RS256'] });
  next();
};
"""}),
    Case("settings-secret-py", {"tokens.py": """\
import time

import jwt
from django.conf import settings


def kore_token():
    claims = {"sub": "ops", "appId": settings.KORE_CLIENT_ID, "exp": int(time.time()) + 300}
    return jwt.encode(claims, settings.KORE_CLIENT_SECRET, algorithm="HS256", headers={"typ": "JWT"})
"""}),
]


@cases(*SRC003, *SRC003_NEAR)
def test_src003(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SRC004

SRC004 = [
    Case("jsonwebtoken-no-expiresIn", {"sts.js": """\
const jwt = require('jsonwebtoken');

exports.sts = (req, res) => {
  const token = jwt.sign({ sub: req.body.identity, appId: process.env.KORE_CLIENT_ID },
    process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256' });
  res.json({ jwt: token });
};
"""}, {("SRC004", "sts.js", "jwt.sign(")}),
    Case("pyjwt-no-exp", {"kore_client.py": """\
import os

import jwt


def headers():
    token = jwt.encode({"sub": "svc", "appId": os.environ["KORE_CLIENT_ID"]},
                       os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
    return {"auth": token}
"""}, {("SRC004", "kore_client.py", "jwt.encode(")}),
    Case("jose-no-expiration", {"src/sdk.ts": """\
import { SignJWT } from 'jose';

const key = new TextEncoder().encode(process.env.KORE_CLIENT_SECRET);

export async function sdkToken(identity: string) {
  return new SignJWT({ sub: identity, isAnonymous: false })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .sign(key);
}
"""}, {("SRC004", "src/sdk.ts", "new SignJWT(")}),
]

SRC004_NEAR = [
    Case("exp-in-payload-js", {"sts.js": """\
const jwt = require('jsonwebtoken');
exports.mint = (sub) => jwt.sign(
  { sub, appId: process.env.KORE_CLIENT_ID, exp: Math.floor(Date.now() / 1000) + 3600 },
  process.env.KORE_CLIENT_SECRET,
  { algorithm: 'HS256' });
"""}),
    Case("datetime-exp-py", {"mint.py": """\
import datetime as dt
import os

import jwt


def mint(sub):
    claims = {"sub": sub, "appId": os.environ["KORE_CLIENT_ID"],
              "exp": dt.datetime.now(tz=dt.timezone.utc) + dt.timedelta(minutes=5)}
    return jwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}),
    Case("jose-setExpirationTime", {"token.js": """\
import * as jose from 'jose';

const key = new TextEncoder().encode(process.env.KORE_CLIENT_SECRET);
export const mint = (sub) => new jose.SignJWT({ sub })
  .setProtectedHeader({ alg: 'HS512' })
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(key);
"""}),
    Case("expiresIn-options-variable", {"sts.ts": """\
import jwt from 'jsonwebtoken';

const options: jwt.SignOptions = { algorithm: 'HS256', expiresIn: '1h' };
export const mint = (sub: string) => jwt.sign({ sub, isAnonymous: false }, process.env.KORE_CLIENT_SECRET!, options);
"""}),
]


@cases(*SRC004, *SRC004_NEAR)
def test_src004(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SRC005

SRC005 = [
    Case("pyjwt-verify-signature-false", {"webhook.py": """\
import jwt
from flask import request


def current_user():
    claims = jwt.decode(request.headers["auth"], options={"verify_signature": False})
    return claims["sub"]
"""}, {("SRC005", "webhook.py", "jwt.decode(")}),
    Case("jsonwebtoken-decode-as-identity", {"middleware/user.js": """\
const jwt = require('jsonwebtoken');

module.exports = function user(req, res, next) {
  const claims = jwt.decode(req.headers.authorization.split(' ')[1]);
  req.userId = claims.sub;
  next();
};
"""}, {("SRC005", "middleware/user.js", "jwt.decode(")}),
    Case("jsonwebtoken-verify-no-algorithms", {"botkit/auth.js": """\
const jwt = require('jsonwebtoken');

exports.check = (token) => jwt.verify(token, process.env.KORE_CLIENT_SECRET);
"""}, {("SRC005", "botkit/auth.js", "jwt.verify(")}),
    Case("pyjwt1-verify-false", {"legacy/auth.py": """\
import jwt


def identity(token):
    payload = jwt.decode(token, verify=False)
    return payload["sub"]
"""}, {("SRC005", "legacy/auth.py", "jwt.decode(")}),
]

SRC005_NEAR = [
    Case("jsonwebtoken-verify-allowlist", {"auth.js": """\
const jwt = require('jsonwebtoken');
exports.check = (token) => jwt.verify(token, process.env.KORE_CLIENT_SECRET, { algorithms: ['HS256'] });
"""}),
    Case("pyjwt-decode-with-algorithms", {"auth.py": """\
import os

import jwt


def claims(token):
    return jwt.decode(token, os.environ["KORE_CLIENT_SECRET"], algorithms=["HS256"], audience="kore")
"""}),
    Case("jwks-kid-lookup", {"verify.js": """\
const jwt = require('jsonwebtoken');
const jwksClient = require('jwks-rsa');
const client = jwksClient({ jwksUri: 'https://login.example.com/.well-known/jwks.json' });

exports.verify = async (token) => {
  const decoded = jwt.decode(token, { complete: true });
  const key = await client.getSigningKey(decoded.header.kid);
  return jwt.verify(token, key.getPublicKey(), { algorithms: ['RS256'] });
};
"""}),
    Case("pyjwt-unverified-header-kid", {"jwks.py": """\
import jwt

jwks = jwt.PyJWKClient("https://login.example.com/.well-known/jwks.json")


def verify(token):
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwks.get_signing_key(kid).key
    return jwt.decode(token, key, algorithms=["RS256"], audience="api")
"""}),
]


@cases(*SRC005, *SRC005_NEAR)
def test_src005(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SRC006

SRC006 = [
    Case("date-now-claims", {"sdkToken.js": """\
const jwt = require('jsonwebtoken');

exports.sdkToken = (identity) => jwt.sign({
  sub: identity,
  iat: Date.now(),
  exp: Date.now() + 60 * 60 * 1000,
  isAnonymous: false,
}, process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256' });
"""}, {("SRC006", "sdkToken.js", "iat: Date.now()"), ("SRC006", "sdkToken.js", "exp: Date.now()")}),
    Case("time-time-1000", {"mint.py": """\
import os
import time

import jwt


def mint():
    claims = {
        "sub": "svc",
        "appId": os.environ["KORE_CLIENT_ID"],
        "exp": int(time.time() * 1000) + 300000,
    }
    return jwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}, {("SRC006", "mint.py", '"exp"')}),
    Case("getTime", {"src/token.ts": """\
import jwt from 'jsonwebtoken';

export function token(sub: string): string {
  return jwt.sign(
    { sub, appId: process.env.KORE_CLIENT_ID, exp: new Date().getTime() + 3600 * 1000 },
    process.env.KORE_CLIENT_SECRET as string,
    { algorithm: 'HS256' },
  );
}
"""}, {("SRC006", "src/token.ts", "getTime()")}),
]

SRC006_NEAR = [
    Case("date-now-divided", {"sts.js": """\
const jwt = require('jsonwebtoken');
exports.mint = (sub) => {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ sub, appId: process.env.KORE_CLIENT_ID, iat: now, exp: now + 300 },
    process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256' });
};
"""}),
    Case("time-time-int", {"mint.py": """\
import os
import time

import jwt


def mint():
    now = int(time.time())
    claims = {"sub": "svc", "appId": os.environ["KORE_CLIENT_ID"], "iat": now, "exp": now + 300}
    return jwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}),
    Case("date-now-non-claim", {"sts.js": """\
const jwt = require('jsonwebtoken');
exports.mint = (req, res) => {
  const started = Date.now();
  const token = jwt.sign({ sub: req.body.identity, isAnonymous: false }, process.env.KORE_CLIENT_SECRET,
    { algorithm: 'HS256', expiresIn: '1h', jwtid: String(Date.now()) });
  console.log('minted in', Date.now() - started, 'ms');
  res.json({ jwt: token });
};
"""}),
    Case("getTime-divided", {"token.js": """\
const jwt = require('jsonwebtoken');
exports.mint = (sub) => jwt.sign(
  { sub, exp: Math.floor(new Date().getTime() / 1000) + 300 },
  process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256' });
"""}),
]


@cases(*SRC006, *SRC006_NEAR)
def test_src006(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SRC007

SRC007 = [
    Case("verify-allows-none", {"auth.js": """\
const jwt = require('jsonwebtoken');
exports.check = (token) =>
  jwt.verify(token, process.env.KORE_CLIENT_SECRET, { algorithms: ['HS256', 'none'] });
"""}, {("SRC007", "auth.js", "'none'")}),
    Case("pyjwt-encode-none", {"debug_token.py": """\
import time

import jwt


def unsigned(sub):
    return jwt.encode({"sub": sub, "exp": int(time.time()) + 300}, None, algorithm="none")
"""}, {("SRC007", "debug_token.py", 'algorithm="none"')}),
    Case("pyjwt-decode-allows-none", {"verify.py": """\
import os

import jwt


def claims(token):
    return jwt.decode(
        token,
        os.environ["KORE_CLIENT_SECRET"],
        algorithms=["HS256", "none"],
    )
"""}, {("SRC007", "verify.py", '"none"')}),
]

SRC007_NEAR = [
    Case("hs256-only", {"auth.js": """\
const jwt = require('jsonwebtoken');
exports.check = (token) => jwt.verify(token, process.env.KORE_CLIENT_SECRET, { algorithms: ['HS256'] });
"""}),
    Case("none-elsewhere", {"server.js": """\
const jwt = require('jsonwebtoken');
const express = require('express');
const app = express();
app.use((req, res, next) => { res.set('X-Frame-Options', 'DENY'); res.set('Cache-Control', 'none'); next(); });
app.post('/sts', (req, res) => res.json({
  jwt: jwt.sign({ sub: req.body.identity }, process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256', expiresIn: '1h' }),
}));
"""}),
    Case("rejects-none", {"guard.py": """\
import os

import jwt


def claims(token):
    if jwt.get_unverified_header(token).get("alg", "").lower() == "none":
        raise jwt.InvalidTokenError("unsigned tokens are refused")
    return jwt.decode(token, os.environ["KORE_CLIENT_SECRET"], algorithms=["HS256"])
"""}),
]


@cases(*SRC007, *SRC007_NEAR)
def test_src007(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- CFG

def botkit_config(jwt_block: str, app_url: str = "https://botkit.acme-corp.com",
                  credentials: str = f'"appId": "{CID}",\n        "apikey": "{FAKE_SECRET}"') -> str:
    return """\
{
    "server": {
        "port": 8003
    },
    "app": {
        "apiPrefix": "",
        "url": "<<app_url>>"
    },
    "credentials": {
        <<credentials>>
    },
    "redis": {
        "options": {
            "host": "localhost",
            "port": 6379
        },
        "available": false
    },
    "examples": {
        "mockServicesHost": "http://mocks.acme-corp.internal:8004"
    },
    "jwt": {
        <<jwt_block>>
    }
}
""".replace("<<app_url>>", app_url).replace("<<credentials>>", credentials).replace("<<jwt_block>>", jwt_block)


CFG001 = [
    Case("jwt-expiry", {"config.json": botkit_config('"jwtAlgorithm": "HS256",\n        "jwt-expiry": 300')},
         {("CFG001", "config.json", '"jwt-expiry"')}),
    Case("jwtalgorithm-lowercase", {"config.json": botkit_config('"jwtalgorithm": "HS512",\n        "jwtExpiry": 300')},
         {("CFG001", "config.json", '"jwtalgorithm"')}),
    Case("credentials-apiKey-camel", {"botkit/config.json": botkit_config(
        '"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300',
        credentials=f'"appId": "{CID}",\n        "apiKey": "{FAKE_SECRET}"')},
         {("CFG001", "botkit/config.json", '"apiKey"')}),
    Case("audit-jwt-expiry", {"config.json": botkit_config('"jwtAlgorithm": "HS256",\n        "jwt-expiry": 300')},
         {("CFG001", "config.json", '"jwt-expiry"')}, command="audit"),
]

CFG001_NEAR = [
    Case("correct-botkit", {"config.json": botkit_config('"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300')}),
    Case("not-botkit", {"settings.json": """\
{
  "auth": {
    "jwt-expiry": "1h",
    "issuer": "https://login.acme-corp.com"
  }
}
"""}),
    Case("botkit-extra-keys", {"config.json": botkit_config(
        '"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300').replace(
        '"server": {', '"supportsMessageProcessing": true,\n    "languages": ["en", "de"],\n    "server": {')}),
]


@cases(*CFG001, *CFG001_NEAR)
def test_cfg001(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


def test_cfg001_pointer(tmp_path: Path) -> None:
    findings = check(tmp_path, CFG001[0])
    assert [f["location"]["pointer"] for f in findings] == ["/jwt/jwt-expiry"]


CFG002 = [
    Case("botkit-RS256", {"config.json": botkit_config('"jwtAlgorithm": "RS256",\n        "jwtExpiry": 300')},
         {("CFG002", "config.json", '"jwtAlgorithm"')}),
    Case("env-ES256", {".env": f"""\
# Kore.ai public API client (admin console app)
KORE_HOST=https://bots.kore.ai
KORE_CLIENT_ID={CID}
KORE_JWT_ALGORITHM=ES256
"""}, {("CFG002", ".env", "KORE_JWT_ALGORITHM")}),
    Case("botkit-RS512", {"bots/support/config.json": botkit_config('"jwtAlgorithm": "RS512",\n        "jwtExpiry": 300')},
         {("CFG002", "bots/support/config.json", '"jwtAlgorithm"')}),
    Case("audit-botkit-HS384", {"config.json": botkit_config('"jwtAlgorithm": "HS384",\n        "jwtExpiry": 300')},
         {("CFG002", "config.json", '"jwtAlgorithm"')}, command="audit"),
]

CFG002_NEAR = [
    Case("botkit-HS512", {"config.json": botkit_config('"jwtAlgorithm": "HS512",\n        "jwtExpiry": 300')}),
    Case("env-HS256", {".env": f"""\
KORE_CLIENT_ID={CID}
KORE_JWT_ALGORITHM=HS256
"""}),
    Case("non-jwt-algorithm", {"config.json": """\
{
  "password": {"algorithm": "bcrypt", "rounds": 12},
  "webhooks": {"signature": {"algorithm": "sha1"}},
  "compression": {"algorithm": "gzip"}
}
"""}),
]


@cases(*CFG002, *CFG002_NEAR)
def test_cfg002(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


def kore_config_js(*, koreapi: str = "https://bots.kore.ai/api/", jwturl: str = "https://bot-auth.acme-corp.com/api/kore/jwt",
                   secret: str = "", extra: str = "") -> str:
    template = """\
(function(KoreSDK){

    var KoreSDK=KoreSDK||{};

    var botOptions = {};
    botOptions.logLevel = 'debug';
    botOptions.koreAPIUrl = "<<koreapi>>";
    botOptions.koreSpeechAPIUrl = "";//deprecated
    botOptions.ttsSocketUrl = '';//deprecated
    botOptions.koreAnonymousFn = koreAnonymousFn;
    botOptions.recorderWorkerPath = '../libs/recorderWorker.js';

    botOptions.JWTUrl = "<<jwturl>>";
    botOptions.userIdentity = 'jane.doe@acme-corp.com';// Provide users email id here
    botOptions.botInfo = { name: "Acme Support", "_id": "<<bot_id>>" }; // bot name is case sensitive
    botOptions.clientId = "<<cid>>";
    botOptions.clientSecret = "<<secret>>";
<<extra>>
    var chatConfig = {
        botOptions: botOptions,
        allowIframe: false,
        isSendButton: false,
        isTTSEnabled: true,
    };
    KoreSDK.chatConfig = chatConfig;
})(window.KoreSDK);
"""
    values = {"koreapi": koreapi, "jwturl": jwturl, "bot_id": BOT_ID, "cid": CID, "secret": secret, "extra": extra}
    for name, value in values.items():
        template = template.replace(f"<<{name}>>", value)
    return template


CFG003 = [
    Case("botkit-app-url-http", {"config.json": botkit_config(
        '"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300', app_url="http://botkit.acme-corp.com:8003")},
         {("CFG003", "config.json", '"url": "http://botkit')}),
    Case("sdk-koreAPIUrl-http", {"UI/kore-config.js": kore_config_js(koreapi="http://bots.kore.ai/api/")},
         {("CFG003", "UI/kore-config.js", "botOptions.koreAPIUrl")}),
    Case("sdk-JWTUrl-http", {"UI/kore-config.js": kore_config_js(jwturl="http://bot-auth.acme-corp.com/api/kore/jwt")},
         {("CFG003", "UI/kore-config.js", "botOptions.JWTUrl")}),
]

CFG003_NEAR = [
    Case("botkit-localhost", {"config.json": botkit_config(
        '"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300', app_url="http://localhost:8003")}),
    Case("sdk-all-https-http-comment", {"UI/kore-config.js": kore_config_js(
        extra="    // docs: http://developer.kore.ai/docs/bots/sdks/\n")}),
    Case("sdk-local-dev", {"UI/kore-config.js": kore_config_js(
        koreapi="http://127.0.0.1:9000/api/", jwturl="http://localhost:3000/api/users/jwt")}),
]


@cases(*CFG003, *CFG003_NEAR)
def test_cfg003(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


CFG004 = [
    Case("botkit-code-apikey-header", {"lib/koreApi.js": """\
const request = require('request');
const config = require('../config.json');

exports.sendMessage = (koreHost, payload, cb) => request({
  url: `${koreHost}/api/botsdk/stopUserConversation`,
  method: 'POST',
  headers: { apikey: config.credentials.apikey },
  json: payload,
}, cb);
"""}, {("CFG004", "lib/koreApi.js", "apikey: config")}),
    Case("python-apikey-header", {"scripts/push.py": """\
import os

import requests


def push(payload):
    return requests.post(
        "https://bots.kore.ai/api/botsdk/push",
        headers={"apikey": os.environ["KORE_CLIENT_SECRET"]},
        json=payload,
        timeout=10,
    )
"""}, {("CFG004", "scripts/push.py", '"apikey"')}),
    Case("markdown-curl", {"docs/botkit.md": """\
# Talking to the bot from BotKit

```bash
curl -X POST "https://bots.kore.ai/api/botsdk/stopUserConversation" \\
  -H "apikey: $KORE_CLIENT_SECRET" \\
  -H "Content-Type: application/json" \\
  -d '{"userId": "u-1"}'
```
"""}, {("CFG004", "docs/botkit.md", "-H \"apikey:")}),
]

CFG004_NEAR = [
    Case("auth-header-jwt", {"lib/koreApi.js": """\
const request = require('request');
const { apiToken } = require('./token');

exports.getBots = (cb) => request({
  url: 'https://bots.kore.ai/api/public/bots',
  headers: { auth: apiToken() },
}, cb);
"""}),
    Case("supabase-apikey", {"src/db.js": """\
export const listRows = () => fetch('https://xyzcompany.supabase.co/rest/v1/rows', {
  headers: { apikey: process.env.SUPABASE_ANON_KEY, Authorization: `Bearer ${process.env.SUPABASE_ANON_KEY}` },
});
"""}),
    Case("botkit-config-stores-apikey", {"config.json": botkit_config('"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300')}),
]


@cases(*CFG004, *CFG004_NEAR)
def test_cfg004(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SEC003

SEC003 = [
    Case("web-sdk-kore-config", {"UI/kore-config.js": kore_config_js(secret=FAKE_SECRET)},
         {("SEC003", "UI/kore-config.js", "botOptions.clientSecret")}),
    Case("react-native-bot-config", {"src/config/botConfig.js": f"""\
export const botConfig = {{
  botName: 'Acme Support',
  botId: '{BOT_ID}',
  clientId: '{CID}',
  clientSecret: '{FAKE_SECRET}',
  botUrl: 'https://bots.kore.ai',
  identity: 'mobile-user@acme-corp.com',
  isWebHook: false,
  jwtServerUrl: 'https://bot-auth.acme-corp.com/api/',
}};
"""}, {("SEC003", "src/config/botConfig.js", "clientSecret:")}),
    Case("bundled-js", {"dist/static/js/main.3f9c2a1b.js": (
        '!function(){"use strict";var e={botOptions:{koreAPIUrl:"https://bots.kore.ai/api/",'
        f'clientId:"{CID}",clientSecret:"{FAKE_SECRET}",JWTUrl:"https://bot-auth.acme-corp.com/jwt"}}}};'
        'window.KoreSDK={chatConfig:e}}();\n')},
         {("SEC003", "dist/static/js/main.3f9c2a1b.js", "clientSecret")}),
    Case("kore-config-ts", {"src/app/kore-config.ts": f"""\
export const koreBotOptions = {{
  koreAPIUrl: 'https://bots.kore.ai/api/',
  JWTUrl: 'https://bot-auth.acme-corp.com/api/jwt',
  botInfo: {{ name: 'Acme Support', _id: '{BOT_ID}' }},
  clientId: '{CID}',
  clientSecret: '{FAKE_SECRET_2}',
}};
"""}, {("SEC003", "src/app/kore-config.ts", "clientSecret:")}),
]

SEC003_NEAR = [
    Case("placeholder-secret", {"UI/kore-config.js": kore_config_js(secret="PLEASE_ENTER_CLIENT_SECRET")}),
    Case("empty-secret-jwt-service", {"UI/kore-config.js": kore_config_js(secret="")}),
    Case("server-side-token-service", {"server/config.js": """\
module.exports = {
  kore: {
    clientId: process.env.KORE_CLIENT_ID,
    clientSecret: process.env.KORE_CLIENT_SECRET,
    jwtExpiry: 300,
  },
};
"""}),
    Case("botkit-config-server", {"config.json": botkit_config('"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300')}),
]


@cases(*SEC003, *SEC003_NEAR)
def test_sec003(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- SEC006

SEC006 = [
    Case("web-sdk-demo-sts", {"UI/kore-config.js": kore_config_js(jwturl=DEMO_STS)},
         {("SEC006", "UI/kore-config.js", "botOptions.JWTUrl")}),
    Case("react-native-demo-host", {"src/config/botConfig.js": f"""\
export const botConfig = {{
  botName: 'Acme Support',
  botId: '{BOT_ID}',
  clientId: '{CID}',
  botUrl: 'https://bots.kore.ai',
  identity: 'mobile-user@acme-corp.com',
  jwtServerUrl: 'https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/',
}};
"""}, {("SEC006", "src/config/botConfig.js", "jwtServerUrl")}),
    Case("env-users-sts", {".env": f"""\
KORE_CLIENT_ID={CID}
KORE_JWT_URL=https://kore-demo.acme-corp.com/users/sts
"""}, {("SEC006", ".env", "KORE_JWT_URL")}),
    Case("android-sdk-configuration", {"app/src/main/java/com/acme/bot/SDKConfiguration.java": """\
package com.acme.bot;

public class SDKConfiguration {
    public static class Server {
        public static final String KORE_BOT_SERVER_URL = "https://bots.kore.ai";
        public static final String TOKEN_SERVER_URL = "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/";
    }
}
"""}, {("SEC006", "app/src/main/java/com/acme/bot/SDKConfiguration.java", "TOKEN_SERVER_URL")}),
]

SEC006_NEAR = [
    Case("own-jwt-service", {"UI/kore-config.js": kore_config_js()}),
    Case("own-api-gateway", {"src/config/botConfig.js": """\
export const botConfig = {
  botUrl: 'https://bots.kore.ai',
  jwtServerUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/kore/token',
};
"""}),
    Case("docs-mention", {"README.md": """\
# Acme bot

Kore's samples mint SDK tokens with a demo service (`users/sts`). We run our own token
service instead; see `server/` for the `/api/kore/jwt` endpoint.
"""}),
]


@cases(*SEC006, *SEC006_NEAR)
def test_sec006(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ---------------------------------------------------------------------------------------- more styles

MORE = [
    Case("src001-subscript-assignment", {"kore/api.py": """\
import os
import time

import jwt


def token():
    payload = {"sub": "svc", "exp": int(time.time()) + 300}
    payload["appid"] = os.environ["KORE_CLIENT_ID"]
    return jwt.encode(payload, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}, {("SRC001", "kore/api.py", 'payload["appid"]')}),
    Case("src004-exp-added-later", {"kore/api.py": """\
import os
import time

import jwt


def token():
    payload = {"sub": "svc", "appId": os.environ["KORE_CLIENT_ID"]}
    payload["exp"] = int(time.time()) + 300
    return jwt.encode(payload, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}),
    Case("src005-fastapi-options-false-with-algorithms", {"deps.py": """\
import jwt
from fastapi import Header


def current_user(auth: str = Header(...)):
    claims = jwt.decode(auth, "", algorithms=["HS256"], options={"verify_signature": False})
    return claims["sub"]
"""}, {("SRC005", "deps.py", "jwt.decode(")}),
    Case("src006-datetime-timestamp-ms", {"mint.py": """\
import datetime as dt
import os

import jwt


def mint():
    now_ms = int(dt.datetime.now().timestamp() * 1000)
    return jwt.encode({"sub": "svc", "iat": now_ms, "exp": now_ms + 300000},
                      os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}, {("SRC006", "mint.py", '"iat": now_ms')}),  # one finding each for iat and exp, on this line
    Case("src002-algorithm-constant", {"kore.ts": """\
import jwt from 'jsonwebtoken';

const ALGORITHM = 'HS512';
export const apiToken = () => jwt.sign({ sub: 'svc', appId: process.env.KORE_CLIENT_ID! },
  process.env.KORE_CLIENT_SECRET!, { algorithm: ALGORITHM, expiresIn: '5m' });
"""}, {("SRC002", "kore.ts", "algorithm: ALGORITHM")}),
    Case("src007-jsonwebtoken-sign-none", {"unsigned.js": """\
const jwt = require('jsonwebtoken');
exports.debugToken = (sub) => jwt.sign({ sub }, null, { algorithm: 'none', expiresIn: '1h' });
"""}, {("SRC007", "unsigned.js", "algorithm: 'none'")}),
    Case("sec003-react-app-env", {"web/.env": f"""\
REACT_APP_KORE_BOT_ID={BOT_ID}
REACT_APP_KORE_CLIENT_ID={CID}
REACT_APP_KORE_CLIENT_SECRET={FAKE_SECRET}
"""}, {("SEC003", "web/.env", "REACT_APP_KORE_CLIENT_SECRET")}),
    Case("sec003-server-env-near-miss", {".env": f"""\
KORE_CLIENT_ID={CID}
KORE_CLIENT_SECRET={FAKE_SECRET}
"""}),
    Case("sec003-expo-app-json", {"app.json": json.dumps({"expo": {"name": "Acme", "slug": "acme", "extra": {
        "koreClientId": CID, "koreClientSecret": FAKE_SECRET}}}, indent=2) + "\n"},
         {("SEC003", "app.json", "koreClientSecret")}),
    Case("sec003-widget-component", {"src/components/ChatWidget.jsx": f"""\
import React, {{ useEffect }} from 'react';

export default function ChatWidget() {{
  useEffect(() => {{
    const botOptions = {{
      koreAPIUrl: 'https://bots.kore.ai/api/',
      clientId: '{CID}',
      clientSecret: '{FAKE_SECRET}',
      botInfo: {{ name: 'Acme Support', _id: '{BOT_ID}' }},
      userIdentity: 'guest@acme-corp.com',
    }};
    window.KoreSDK.chatConfig.botOptions = botOptions;
  }}, []);
  return <div id="kore-chat" />;
}}
"""}, {("SEC003", "src/components/ChatWidget.jsx", "clientSecret:")}),
    Case("sec006-json-sdk-config", {"public/bot-config.json": json.dumps({"botOptions": {
        "koreAPIUrl": "https://bots.kore.ai/api/", "JWTUrl": DEMO_STS, "clientId": CID,
        "botInfo": {"name": "Acme", "_id": BOT_ID}}}, indent=2) + "\n"},
         {("SEC006", "public/bot-config.json", '"JWTUrl"')}),
    Case("cfg003-env-kore-url-http", {".env": f"""\
KORE_CLIENT_ID={CID}
KORE_JWT_URL=http://bot-auth.acme-corp.com/api/kore/jwt
"""}, {("CFG003", ".env", "KORE_JWT_URL")}),
    Case("cfg002-yaml-sdk-config", {"config/kore.yaml": f"""\
kore:
  clientId: {CID}
  jwtUrl: https://bot-auth.acme-corp.com/api/kore/jwt
  jwtAlgorithm: PS256
"""}, {("CFG002", "config/kore.yaml", "jwtAlgorithm")}),
]


@cases(*MORE)
def test_more_styles(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ------------------------------------------------------------- native mobile, components, HTML pages

NATIVE = [
    Case("ios-swift-jwt-server", {"KoreBotSDKDemo/SDKConfiguration.swift": f"""\
import Foundation

class SDKConfiguration: NSObject {{
    struct clientConfig {{
        static let clientId = "{CID}"
        static let botId = "{BOT_ID}"
        static let identity = "mobile-user@acme-corp.com"
    }}

    struct serverConfig {{
        static let JWT_SERVER = String(format: "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/")

        static func koreJwtUrl() -> String {{
            return String(format: "%@users/sts", JWT_SERVER)
        }}
    }}
}}
"""}, {("SEC006", "KoreBotSDKDemo/SDKConfiguration.swift", "static let JWT_SERVER")}),
    Case("android-client-secret", {"BotsSDK/src/main/java/kore/botssdk/net/SDKConfiguration.java": f"""\
package kore.botssdk.net;

public class SDKConfiguration {{
    public static class Client {{
        public static final String client_id = "{CID}";
        public static final String client_secret = "{FAKE_SECRET}";
        public static final String identity = "mobile-user@acme-corp.com";
        public static final String bot_name = "Acme Support";
        public static final String bot_id = "{BOT_ID}";
    }}
}}
"""}, {("SEC003", "BotsSDK/src/main/java/kore/botssdk/net/SDKConfiguration.java", "client_secret =")}),
    Case("spring-token-service-near-miss", {"src/main/java/com/acme/kore/KoreTokenService.java": f"""\
package com.acme.kore;

import org.springframework.stereotype.Service;

@Service
public class KoreTokenService {{
    private static final String CLIENT_ID = "{CID}";
    private static final String client_secret = "{FAKE_SECRET}";
    private static final String JWT_URL = "https://bot-auth.acme-corp.com/api/kore/jwt";
}}
"""}),
    Case("vue-component", {"src/components/KoreChat.vue": f"""\
<template>
  <div id="chatContainer"></div>
</template>

<script>
export default {{
  name: 'KoreChat',
  mounted() {{
    const botOptions = window.KoreSDK.chatConfig.botOptions;
    botOptions.koreAPIUrl = 'https://bots.kore.ai/api/';
    botOptions.clientId = '{CID}';
    botOptions.clientSecret = '{FAKE_SECRET}';
    botOptions.botInfo = {{ name: 'Acme Support', _id: '{BOT_ID}' }};
  }},
}};
</script>
"""}, {("SEC003", "src/components/KoreChat.vue", "botOptions.clientSecret")}),
    Case("html-inline-bot-options", {"site/support.html": f"""\
<!DOCTYPE html>
<html>
<head><script src="kore-web-sdk/UI/dist/kore-ai-sdk.min.js"></script></head>
<body>
<script>
  var botOptions = KoreSDK.chatConfig.botOptions;
  botOptions.JWTUrl = "{DEMO_STS}";
  botOptions.userIdentity = 'guest@acme-corp.com';
  botOptions.botInfo = {{ name: "Acme Support", "_id": "{BOT_ID}" }};
  botOptions.clientId = "{CID}";
  botOptions.clientSecret = "{FAKE_SECRET}";
  KoreSDK.show(KoreSDK.chatConfig);
</script>
</body>
</html>
"""}, {("SEC006", "site/support.html", "botOptions.JWTUrl"),
       ("SEC003", "site/support.html", "botOptions.clientSecret")}),
    Case("jquery-ajax-sts", {"js/chat.js": """\
function callSts(jsonData, grantCall) {
    $.ajax({
        url: "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts",
        type: 'post',
        data: jsonData,
        dataType: 'json',
        success: function (data) { grantCall(data.jwt); },
    });
}
"""}, {("SEC006", "js/chat.js", "url:")}),
]


@cases(*NATIVE)
def test_native_and_components(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


CURL = [
    Case("shell-literal-apikey", {"scripts/stop_conversation.sh": f"""\
#!/usr/bin/env bash
set -euo pipefail
curl -sS -X POST "https://bots.kore.ai/api/botsdk/stopUserConversation" \\
  --header 'apikey: {FAKE_SECRET}' \\
  -d '{{"userId": "'"$1"'"}}'
"""}, {("CFG004", "scripts/stop_conversation.sh", "--header 'apikey:")}),
    Case("markdown-public-api-auth-near-miss", {"docs/api.md": """\
# Export the bot

```bash
curl -X POST "https://bots.kore.ai/api/public/bot/$BOT_ID/export" \\
  -H "auth: $KORE_JWT" -H "content-type: application/json" -d '{"exportType": "published"}'
```
"""}),
    Case("markdown-supabase-apikey-near-miss", {"README.md": """\
# Data

```bash
curl "https://xyzcompany.supabase.co/rest/v1/rows" -H "apikey: $SUPABASE_ANON_KEY"
```
"""}),
]


@cases(*CURL)
def test_curl_examples(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


# ------------------------------------------------------------------------------ frameworks and SDKs

FRAMEWORKS = [
    Case("nestjs-jwtmodule-literal-secret", {"src/auth/auth.module.ts": """\
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';

@Module({
  imports: [
    JwtModule.register({
      secret: 'kore-bot-jwt-signing-secret',
      signOptions: { expiresIn: '60s', algorithm: 'HS256' },
    }),
  ],
})
export class AuthModule {}
"""}, {("SRC003", "src/auth/auth.module.ts", "secret: 'kore-bot")}),
    Case("nestjs-jwtservice-sign", {"src/kore/kore-token.service.ts": """\
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

@Injectable()
export class KoreTokenService {
  constructor(private readonly jwtService: JwtService) {}

  apiToken(): string {
    return this.jwtService.sign(
      { sub: 'svc', appId: process.env.KORE_CLIENT_ID },
      { secret: 'kore-admin-app-secret-committed', algorithm: 'HS512', expiresIn: '5m' },
    );
  }

  sdkToken(identity: string): string {
    return this.jwtService.sign({ sub: identity, appid: process.env.KORE_CLIENT_ID });
  }
}
"""}, {("SRC003", "src/kore/kore-token.service.ts", "secret: 'kore-admin"),
       ("SRC002", "src/kore/kore-token.service.ts", "secret: 'kore-admin"),
       ("SRC001", "src/kore/kore-token.service.ts", "appid:")}),
    Case("nestjs-config-service-near-miss", {"src/auth/auth.module.ts": """\
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        secret: config.get<string>('KORE_CLIENT_SECRET'),
        signOptions: { expiresIn: '5m', algorithm: 'HS256' },
      }),
    }),
  ],
})
export class AuthModule {}
"""}),
    Case("python-jose-HS384-appId", {"kore_jose.py": """\
import os
import time

from jose import jwt


def api_token():
    claims = {"sub": "svc", "appId": os.environ["KORE_CLIENT_ID"], "exp": int(time.time()) + 300}
    return jwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], algorithm="HS384")
"""}, {("SRC002", "kore_jose.py", 'algorithm="HS384"')}),
    Case("jsonwebtoken-callback-RS256", {"sts.js": """\
const jwt = require('jsonwebtoken');
exports.mint = (key, cb) => jwt.sign({ sub: 'svc', appId: process.env.KORE_CLIENT_ID }, key,
  { algorithm: 'RS256', expiresIn: '5m' }, (err, token) => cb(err, token));
"""}, {("SRC002", "sts.js", "algorithm: 'RS256'")}),
    Case("jose-decodeJwt-identity", {"src/middleware.ts": """\
import { decodeJwt } from 'jose';

export function userFrom(req: { headers: Record<string, string> }) {
  const claims = decodeJwt(req.headers['authorization'].replace('Bearer ', ''));
  return { id: claims.sub, admin: claims.isAdmin };
}
"""}, {("SRC005", "src/middleware.ts", "decodeJwt(req")}),
    Case("pyjwt-verify-exp-false-near-miss", {"auth.py": """\
import os

import jwt


def refresh_claims(token):
    return jwt.decode(token, os.environ["KORE_CLIENT_SECRET"], algorithms=["HS256"],
                      options={"verify_exp": False})
"""}),
    Case("date-now-over-1000-float-near-miss", {"sts.js": """\
const jwt = require('jsonwebtoken');
exports.mint = (sub) => jwt.sign({ sub, iat: Date.now() / 1000, exp: Date.now() / 1000 + 300 },
  process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256' });
"""}),
    Case("cfg003-private-ip", {"config.json": botkit_config(
        '"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300', app_url="http://10.20.0.15:8003")},
         {("CFG003", "config.json", '"url": "http://10.20')}),
    Case("sec006-demo-kore-net", {"UI/kore-config.js": kore_config_js(jwturl="https://demo.kore.net/users/sts")},
         {("SEC006", "UI/kore-config.js", "botOptions.JWTUrl")}),
    Case("sec003-next-public-env", {".env.local": f"""\
NEXT_PUBLIC_KORE_CLIENT_ID={CID}
NEXT_PUBLIC_KORE_CLIENT_SECRET={FAKE_SECRET_2}
"""}, {("SEC003", ".env.local", "NEXT_PUBLIC_KORE_CLIENT_SECRET")}),
    Case("sec003-env-reference-near-miss", {"src/botConfig.js": f"""\
export const botConfig = {{
  botId: '{BOT_ID}',
  clientId: process.env.REACT_APP_KORE_CLIENT_ID,
  clientSecret: process.env.REACT_APP_KORE_CLIENT_SECRET,
  jwtServerUrl: 'https://bot-auth.acme-corp.com/api/',
}};
"""}),
]


@cases(*FRAMEWORKS)
def test_frameworks(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


EDGES = [
    Case("cfg001-per-bot-credentials", {"config.json": botkit_config(
        '"jwtAlgorithm": "HS256",\n        "jwtExpiry": 300',
        credentials=f'"{BOT_ID}": {{\n            "appId": "{CID}",\n            "apiKey": "{FAKE_SECRET}"\n        }}')},
         {("CFG001", "config.json", '"apiKey"')}),
    Case("sec006-query-string", {"src/config/botConfig.js": """\
export const botConfig = {
  botUrl: 'https://bots.kore.ai',
  jwtServerUrl: 'https://auth.acme-corp.com/users/sts?env=prod',
};
"""}, {("SEC006", "src/config/botConfig.js", "jwtServerUrl")}),
    Case("sec006-similar-path-near-miss", {"src/config/botConfig.js": """\
export const botConfig = {
  botUrl: 'https://bots.kore.ai',
  jwtServerUrl: 'https://auth.acme-corp.com/users/stsessions',
};
"""}),
    Case("cfg003-env-kore-host-http", {".env": f"""\
KORE_CLIENT_ID={CID}
KORE_API_URL=http://bots.kore.ai/api/
"""}, {("CFG003", ".env", "KORE_API_URL")}),
]


@cases(*EDGES)
def test_edges(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


IMPORT_STYLES = [
    Case("named-import-sign", {"src/sts.ts": """\
import { sign } from 'jsonwebtoken';

export const mint = (identity: string) =>
  sign({ sub: identity, appid: process.env.KORE_CLIENT_ID }, 'kore-sts-signing-secret', { expiresIn: '1h' });
"""}, {("SRC001", "src/sts.ts", "appid:"), ("SRC003", "src/sts.ts", "'kore-sts-signing-secret'")}),
    Case("namespace-import-verify", {"src/auth.ts": """\
import * as jwt from 'jsonwebtoken';

export const check = (token: string) => jwt.verify(token, process.env.KORE_CLIENT_SECRET as string);
"""}, {("SRC005", "src/auth.ts", "jwt.verify(")}),
    Case("from-jwt-import-encode", {"mint.py": """\
import os

from jwt import encode


def mint():
    return encode({"sub": "svc", "appId": os.environ["KORE_CLIENT_ID"]}, os.environ["KORE_CLIENT_SECRET"],
                  algorithm="HS512")
"""}, {("SRC002", "mint.py", 'algorithm="HS512"'), ("SRC004", "mint.py", "return encode(")}),
    Case("aliased-module", {"mint.py": """\
import os
import time

import jwt as pyjwt


def mint():
    claims = {"sub": "svc", "App_Id": os.environ["KORE_CLIENT_ID"], "exp": int(time.time()) + 300}
    return pyjwt.encode(claims, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}, {("SRC001", "mint.py", '"App_Id"')}),
    # No "jwt" anywhere in the file: the library is named only as 'jsonwebtoken'.
    Case("require-destructured-decode", {"auth.js": """\
const { decode } = require('jsonwebtoken');

module.exports = (req, res, next) => {
  const { sub } = decode(req.get('auth'));
  req.user = { id: sub };
  next();
};
"""}, {("SRC005", "auth.js", "decode(req")}),
]


@cases(*IMPORT_STYLES)
def test_import_styles(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


MORE_STYLES = [
    Case("dict-call-payload", {"mint.py": """\
import os

import jwt


def mint():
    payload = dict(sub="svc", appid=os.environ["KORE_CLIENT_ID"])
    return jwt.encode(payload, os.environ["KORE_CLIENT_SECRET"], algorithm="HS256")
"""}, {("SRC001", "mint.py", "appid="), ("SRC004", "mint.py", "jwt.encode(")}),
    Case("angular-environment", {"src/environments/environment.prod.ts": f"""\
export const environment = {{
  production: true,
  kore: {{
    koreAPIUrl: 'https://bots.kore.ai/api/',
    clientId: '{CID}',
    clientSecret: '{FAKE_SECRET}',
    botInfo: {{ name: 'Acme Support', _id: '{BOT_ID}' }},
  }},
}};
"""}, {("SEC003", "src/environments/environment.prod.ts", "clientSecret:")}),
    Case("spread-payload-exact-appId-near-miss", {"sts.js": """\
const jwt = require('jsonwebtoken');
const base = { appId: process.env.KORE_CLIENT_ID };
exports.mint = (sub) => jwt.sign({ ...base, sub }, process.env.KORE_CLIENT_SECRET, { algorithm: 'HS256', expiresIn: 300 });
"""}),
]


@cases(*MORE_STYLES)
def test_more_code_styles(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


RN_HTTP = [
    Case("rn-botUrl-and-jwtServerUrl-http", {"src/config/botConfig.js": f"""\
export const botConfig = {{
  botName: 'Acme Support',
  botId: '{BOT_ID}',
  clientId: '{CID}',
  botUrl: 'http://bots.kore.ai',
  identity: 'mobile-user@acme-corp.com',
  jwtServerUrl: 'http://bot-auth.acme-corp.com/api/',
}};
"""}, {("CFG003", "src/config/botConfig.js", "botUrl:"), ("CFG003", "src/config/botConfig.js", "jwtServerUrl:")}),
    Case("sdk-jwt-service-config-RS384", {"jwt-service/config.json": f"""\
{{
  "clientId": "{CID}",
  "jwtAlgorithm": "RS384",
  "aud": "https://idproxy.kore.com/authorize"
}}
"""}, {("CFG002", "jwt-service/config.json", '"jwtAlgorithm"')}),
]


@cases(*RN_HTTP)
def test_rn_http(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)


TEMPLATES = [
    Case("jinja-template-placeholder-near-miss", {"templates/chat.html": f"""\
<script>
  var botOptions = KoreSDK.chatConfig.botOptions;
  botOptions.JWTUrl = "{{{{ url_for('kore_token', _external=True) }}}}";
  botOptions.clientId = "{CID}";
  botOptions.clientSecret = "{{{{ client_secret }}}}";
</script>
"""}),
    Case("html-http-kore-api", {"site/index.html": f"""\
<script>
  var botOptions = KoreSDK.chatConfig.botOptions;
  botOptions.koreAPIUrl = "http://bots.kore.ai/api/";
  botOptions.clientId = "{CID}";
</script>
"""}, {("CFG003", "site/index.html", "botOptions.koreAPIUrl")}),
]


@cases(*TEMPLATES)
def test_templates(tmp_path: Path, case: Case) -> None:
    check(tmp_path, case)
