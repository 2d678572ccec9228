"""Generate a deterministic synthetic source tree with planted secrets and decoys.

    python benchmarks/make_tree.py OUT [--files 2000] [--seed 7]

Writes OUT/ (a plain folder, not a git repository) and OUT.truth.json: one record per planted
item {kind, path, line} — kinds `jwt`, `client_secret`, `xenioo_key` (must be found) and decoy
kinds `decoy_base64`, `decoy_hex`, `decoy_sri`, `decoy_uuid`, `decoy_git_sha`, `decoy_image`,
`decoy_placeholder` (must not be flagged). Everything derives from the seed, so two runs with the
same arguments write byte-identical trees. All secrets are random and fake.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import random
import shutil
import uuid
from pathlib import Path

WORDS = ("order customer invoice session handler payload render widget metric cache queue bot "
         "dialog intent entity channel message webhook export import publish version report").split()


class Planter:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.truth: list[dict[str, object]] = []
        self.secrets: list[str] = []  # client secrets planted so far (some tokens are signed with them)

    # --- values ---------------------------------------------------------------------------
    def b64(self, n: int) -> str:
        return base64.b64encode(self.rng.randbytes(n)).decode()

    def b64url(self, data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def client_id(self) -> str:
        return "cs-" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def client_secret(self) -> str:
        value = self.b64(32)
        self.secrets.append(value)
        return value

    def xenioo_key(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def jwt(self) -> str:
        rng = self.rng
        now = 1795300000 + rng.randint(-10**6, 10**6)
        kind = rng.random()
        cid = self.client_id()
        if kind < 0.6:
            payload = {"sub": f"svc-{self.word()}", "appId": cid, "iat": now,
                       "exp": now + rng.choice((600, 3600))}
            if rng.random() < 0.5:
                payload["jti"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            header = {"alg": "HS256", "typ": "JWT"}
        elif kind < 0.9:
            payload = {"iss": cid, "sub": f"user{rng.randint(1, 9999)}@example.com", "isAnonymous": False,
                       "aud": "https://idproxy.kore.com/authorize", "iat": now, "exp": now + 3600,
                       "jti": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
            header = {"alg": rng.choice(("HS256", "HS512")), "typ": "JWT"}
        else:
            header = {"alg": "RSA-OAEP", "enc": "A128GCM", "kid": f"k{rng.randint(1, 99)}"}
            parts = [self.b64url(json.dumps(header).encode()), self.b64url(rng.randbytes(256)),
                     self.b64url(rng.randbytes(12)), self.b64url(rng.randbytes(rng.randint(40, 200))),
                     self.b64url(rng.randbytes(16))]
            return ".".join(parts)
        secret = rng.choice(self.secrets) if self.secrets and rng.random() < 0.3 else self.b64(32)
        signing = f"{self.b64url(json.dumps(header).encode())}.{self.b64url(json.dumps(payload).encode())}"
        digest = hashlib.sha512 if header["alg"] == "HS512" else hashlib.sha256
        signature = hmac.new(secret.encode(), signing.encode(), digest).digest()
        return f"{signing}.{self.b64url(signature)}"

    # --- files ----------------------------------------------------------------------------
    def mark(self, kind: str, path: str, line: int) -> None:
        self.truth.append({"kind": kind, "path": path, "line": line})

    def filler(self, n: int, comment: str = "#") -> list[str]:
        out = []
        for _ in range(n):
            a, b = self.word(), self.word()
            out.append(self.rng.choice((
                f"def {a}_{b}(value):", f"    return {a}.get('{b}', {self.rng.randint(0, 999)})",
                f"{comment} {a} {b} handling for the {self.word()} pipeline",
                f"{a}_{b} = compute_{self.word()}({a}, timeout={self.rng.randint(1, 90)})",
                f"    if {a} is None: raise ValueError('{b} missing')", "",
            )))
        return out


def python_file(p: Planter, path: str) -> list[str]:
    lines = ['"""Module for the ' + p.word() + ' service."""', "import os", ""]
    lines += p.filler(p.rng.randint(20, 120))
    roll = p.rng.random()
    if roll < 0.15:
        lines.append(f'HEADERS = {{"auth": "{p.jwt()}"}}')
        p.mark("jwt", path, len(lines))
    elif roll < 0.22:
        lines.append(f'resp = session.get(BASE + "/api/public/bot/st-1/sessions", headers={{"Authorization": '
                     f'"Bearer {p.jwt()}"}})')
        p.mark("jwt", path, len(lines))
    elif roll < 0.30:
        lines.append(f'CLIENT_ID = "{p.client_id()}"')
        lines.append(f'CLIENT_SECRET = "{p.client_secret()}"')
        p.mark("client_secret", path, len(lines))
    elif roll < 0.36:
        lines.append(f'CHECKSUM = "{p.b64(32)}"')
        p.mark("decoy_base64", path, len(lines))
    elif roll < 0.42:
        lines.append(f'EXPECTED_SHA256 = "{hashlib.sha256(p.rng.randbytes(20)).hexdigest()}"')
        p.mark("decoy_hex", path, len(lines))
    elif roll < 0.46:
        lines.append(f'REQUEST_ID = "{uuid.UUID(int=p.rng.getrandbits(128), version=4)}"')
        p.mark("decoy_uuid", path, len(lines))
    elif roll < 0.50:
        lines.append('CLIENT_SECRET = os.environ.get("KORE_CLIENT_SECRET", "<your-client-secret>")')
        p.mark("decoy_placeholder", path, len(lines))
    lines += p.filler(p.rng.randint(5, 60))
    return lines


def js_file(p: Planter, path: str) -> list[str]:
    lines = ["'use strict';", "const axios = require('axios');", ""]
    lines += [f"// {p.word()} {p.word()} {p.word()}" if i % 3 else f"const {p.word()}{i} = {i};"
              for i in range(p.rng.randint(20, 100))]
    roll = p.rng.random()
    if roll < 0.12:
        lines.append(f"const url = `https://bots.kore.ai/api/public/tables/t1?jwt={p.jwt()}`;")
        p.mark("jwt", path, len(lines))
    elif roll < 0.18:
        lines.append(f"const integrity = 'sha512-{p.b64(64)}';")
        p.mark("decoy_sri", path, len(lines))
    elif roll < 0.24:
        lines.append(f"  AccountAPIKey: '{p.xenioo_key()}',")
        p.mark("xenioo_key", path, len(lines))
    elif roll < 0.30:
        lines.append(f"const commit = '{hashlib.sha1(p.rng.randbytes(8)).hexdigest()}';")
        p.mark("decoy_git_sha", path, len(lines))
    return lines


def json_file(p: Planter, path: str) -> list[str]:
    roll = p.rng.random()
    if roll < 0.3:
        data = {"credentials": {"appId": p.client_id(), "apikey": p.client_secret()},
                "jwt": {"jwtAlgorithm": "HS256", "jwtExpiry": 300}, "app": {"port": 8003}}
        text = json.dumps(data, indent=2).split("\n")
        p.mark("client_secret", path, next(i for i, t in enumerate(text, 1) if '"apikey"' in t))
        return text
    if roll < 0.45:
        bot_id = "st-" + str(uuid.UUID(int=p.rng.getrandbits(128)))
        data = {"total": 1, "bots": [{"_id": bot_id, "name": p.word(),
                                      "jwtApps": [{"clientId": p.client_id(),
                                                   "clientSecret": p.client_secret(),
                                                   "jtiClaimEnforced": False}]}]}
        text = json.dumps(data, indent=2).split("\n")
        p.mark("client_secret", path, next(i for i, t in enumerate(text, 1) if '"clientSecret"' in t))
        return text
    if roll < 0.6:
        data = {"name": p.word(), "version": "1.0.0", "resolved": {
            p.word(): {"integrity": f"sha512-{p.b64(64)}",
                       "commit": hashlib.sha1(p.rng.randbytes(9)).hexdigest()}}}
        text = json.dumps(data, indent=2).split("\n")
        p.mark("decoy_sri", path, next(i for i, t in enumerate(text, 1) if '"integrity"' in t))
        p.mark("decoy_git_sha", path, next(i for i, t in enumerate(text, 1) if '"commit"' in t))
        return text
    if roll < 0.7:
        data = {"Result": [{"Name": p.word(), "APIKey": p.xenioo_key(), "APISecret": p.xenioo_key(),
                            "Channels": []}]}
        text = json.dumps(data, indent=2).split("\n")
        p.mark("xenioo_key", path, next(i for i, t in enumerate(text, 1) if '"APIKey"' in t))
        p.mark("xenioo_key", path, next(i for i, t in enumerate(text, 1) if '"APISecret"' in t))
        return text
    data = {"id": str(uuid.UUID(int=p.rng.getrandbits(128))), "nonce": p.b64(32), "items": list(range(30)),
            "sha256": hashlib.sha256(p.rng.randbytes(8)).hexdigest()}
    text = json.dumps(data, indent=2).split("\n")
    p.mark("decoy_uuid", path, 2)
    p.mark("decoy_base64", path, 3)
    p.mark("decoy_hex", path, next(i for i, t in enumerate(text, 1) if '"sha256"' in t))
    return text


def env_file(p: Planter, path: str) -> list[str]:
    lines = [f"PORT={p.rng.randint(3000, 9000)}", f"LOG_LEVEL={p.rng.choice(('info', 'debug'))}",
             f"KORE_CLIENT_ID={p.client_id()}"]
    lines.append(f"KORE_CLIENT_SECRET={p.client_secret()}")
    p.mark("client_secret", path, len(lines))
    if p.rng.random() < 0.5:
        lines.append(f"XENIOO_BOT_API_SECRET={p.xenioo_key()}")
        p.mark("xenioo_key", path, len(lines))
    if p.rng.random() < 0.5:
        lines.append(f"KORE_TOKEN={p.jwt()}")
        p.mark("jwt", path, len(lines))
    lines.append(f"BUILD_SHA={hashlib.sha1(p.rng.randbytes(8)).hexdigest()}")
    p.mark("decoy_git_sha", path, len(lines))
    return lines


def markdown_file(p: Planter, path: str) -> list[str]:
    lines = [f"# {p.word().title()} {p.word()}", ""]
    lines += [" ".join(p.word() for _ in range(12)) + "." for _ in range(p.rng.randint(5, 40))]
    roll = p.rng.random()
    if roll < 0.35:
        lines += ["", "```sh", "curl -X POST https://bots.kore.ai/api/public/bot/st-1/export \\"]
        lines.append(f'  -H "auth: {p.jwt()}"')
        p.mark("jwt", path, len(lines))
        lines += ["```"]
    elif roll < 0.6:
        lines += ["", "| client id | client secret |", "| --- | --- |"]
        lines.append(f"| {p.client_id()} | {p.client_secret()} |")
        p.mark("client_secret", path, len(lines))
    elif roll < 0.75:
        lines += ["", "```json", "{", f'  "clientId": "{p.client_id()}",']
        lines.append(f'  "clientSecret": "{p.client_secret()}"')
        p.mark("client_secret", path, len(lines))
        lines += ["}", "```"]
    elif roll < 0.85:
        lines += ["", "```sh", "curl https://api.xenioo.com/authorization/integration \\"]
        lines.append(f"  -d '{{\"AccountAPIKey\": \"{p.xenioo_key()}\"}}'")
        p.mark("xenioo_key", path, len(lines))
        lines += ["```"]
    else:
        lines.append(f'<script src="x.js" integrity="sha384-{p.b64(48)}"></script>')
        p.mark("decoy_sri", path, len(lines))
    lines += [" ".join(p.word() for _ in range(10)) + "." for _ in range(p.rng.randint(2, 20))]
    return lines


def notebook_file(p: Planter, path: str) -> list[str]:
    token_cell = p.rng.random() < 0.5
    source = ["import requests\n", f"TOKEN = '{p.jwt()}'\n" if token_cell else "TOKEN = load()\n",
              "r = requests.get(URL, headers={'auth': TOKEN})\n"]
    image = base64.b64encode(p.rng.randbytes(p.rng.randint(3000, 30000))).decode()
    nb = {"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": source,
                     "outputs": [{"output_type": "display_data",
                                  "data": {"image/png": image, "text/plain": ["<Figure>"]},
                                  "metadata": {}}]}],
          "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=1).split("\n")
    if token_cell:
        p.mark("jwt", path, next(i for i, t in enumerate(text, 1) if "TOKEN = '" in t))
    p.mark("decoy_image", path, next(i for i, t in enumerate(text, 1) if '"image/png"' in t))
    return text


def yaml_file(p: Planter, path: str) -> list[str]:
    lines = ["service:", f"  name: {p.word()}", "  replicas: 2", "kore:", f"  clientId: {p.client_id()}"]
    if p.rng.random() < 0.5:
        lines.append(f"  clientSecret: \"{p.client_secret()}\"")
        p.mark("client_secret", path, len(lines))
    else:
        lines.append("  clientSecret: ${KORE_CLIENT_SECRET}")
        p.mark("decoy_placeholder", path, len(lines))
    lines += ["cache:", f"  key: {p.word()}-{p.rng.randint(1, 99)}",
              f"  digest: {hashlib.sha256(p.rng.randbytes(4)).hexdigest()}"]
    p.mark("decoy_hex", path, len(lines))
    return lines


KINDS = ((python_file, "src/{d}/{w}_{i}.py", 30), (js_file, "web/{d}/{w}{i}.js", 20),
         (json_file, "config/{d}/{w}{i}.json", 12), (markdown_file, "docs/{d}/{w}-{i}.md", 15),
         (yaml_file, "deploy/{d}/{w}{i}.yaml", 8), (env_file, "env/{d}/{w}{i}.env", 5),
         (notebook_file, "notebooks/{d}/{w}{i}.ipynb", 3))


def generate(out: Path, files: int, seed: int) -> list[dict[str, object]]:
    p = Planter(seed)
    if out.exists():
        shutil.rmtree(out)
    weights = [k[2] for k in KINDS]
    for i in range(files):
        maker, pattern, _ = p.rng.choices(KINDS, weights=weights)[0]
        rel = pattern.format(d=f"m{i % 40:02d}", w=p.word(), i=i)
        lines = maker(p, rel)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p.truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    truth = generate(args.out, args.files, args.seed)
    Path(f"{args.out}.truth.json").write_text(json.dumps(truth, indent=0, sort_keys=True), encoding="utf-8")
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"{args.files} files, {size / 1e6:.1f} MB, {len(truth)} planted items -> {args.out}")


if __name__ == "__main__":
    main()
