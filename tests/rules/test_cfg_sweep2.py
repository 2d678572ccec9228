"""Sweep 2: name/value pairs, `NAME=value` list items, demo hosts in code, notebook code cells,
XML elements and URL user-info passwords, each with a near miss (whole scans, exact places)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

SECRET = base64.b64encode(bytes(range(7, 39))).decode()  # a Kore client secret's shape, made up
DEMO = "https://mk2r2rmj21.execute-api.us-east-1.amazonaws.com/dev/users/sts"


def scan(root: Path, files: dict[str, str]) -> set[tuple[str, str, int | None, int | None, str | None]]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "jwtaudit", "scan", str(root), "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), "scan failed"
    report = json.loads(done.stdout)
    return {(f["rule"], f["location"]["path"], f["location"].get("line"), f["location"].get("column"),
             f["location"].get("pointer")) for f in report["findings"]}


def rules_of(found: set[tuple], path: str) -> set[tuple]:
    return {(rule, line, column, pointer) for rule, where, line, column, pointer in found if where == path}


def test_postman_name_value_pairs(tmp_path: Path) -> None:
    found = scan(tmp_path, {
        "c.postman_collection.json": '{"variable": [{"key": "clientSecret", "value": "' + SECRET + '"}],\n'
                                     ' "header": [{"key": "AccountAPIKey", "value": "Xk29dLmQ81zPq7RtV3nB",'
                                     ' "type": "text"}]}\n',
        # near miss: a pair whose name is no secret's
        "near.postman_collection.json": '{"variable": [{"key": "baseUrl", "value": "Xk29dLmQ81zPq7RtV3nB"}]}\n',
    })
    got = rules_of(found, "c.postman_collection.json")
    assert ("SEC002", 1, 49, "/variable/0/value") in got
    assert ("SEC004", 2, 48, "/header/0/value") in got
    assert rules_of(found, "near.postman_collection.json") == set()


def test_compose_environment_list(tmp_path: Path) -> None:
    found = scan(tmp_path, {
        "docker-compose.yml": "services:\n  bot:\n    environment:\n"
                              "      - XENIOO_ACCOUNT_API_KEY=Hq7ZpL2mXv9RtK4sNw8B\n"
                              "      - KORE_API_JWT_ALGORITHM=RS256\n"
                              "      - KORE_HOST=http://bots.kore.ai\n"
                              f"      - JWT_URL={DEMO}\n",
        # near miss: a command line list, not bindings
        "near/docker-compose.yml": "services:\n  bot:\n    command:\n      - --port=8080\n",
    })
    got = rules_of(found, "docker-compose.yml")
    assert ("SEC004", 4, 32, "/services/bot/environment/0") in got
    assert ("CFG002", 5, 9, "/services/bot/environment/1") in got
    assert ("CFG003", 6, 9, "/services/bot/environment/2") in got
    assert ("SEC006", 7, 9, "/services/bot/environment/3") in got
    assert rules_of(found, "near/docker-compose.yml") == set()


def test_demo_host_in_code_string(tmp_path: Path) -> None:
    found = scan(tmp_path, {
        "a.js": f'const tokenService = "{DEMO}";\nmodule.exports = {{ tokenService }};\n',
        # near miss: a host that only starts like the demo gateway
        "near.js": 'const docs = "https://mk2r2rmj21.example.com/dev/users/sts";\n',
    })
    assert ("SEC006", 1, 23, None) in rules_of(found, "a.js")
    assert not {r for r in rules_of(found, "near.js") if r[0] == "SEC006"}


def test_notebook_code_cells(tmp_path: Path) -> None:
    cell = 't = jwt.encode({"sub": "x", "appId": "cs-1"}, "my-literal-key-123", algorithm="HS512")'
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["%pip install pyjwt\n", "import jwt\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": [cell]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook, indent=1)
    line = text.splitlines().index(next(s for s in text.splitlines() if "my-literal" in s)) + 1
    near = dict(notebook, cells=[dict(notebook["cells"][1], cell_type="markdown")])
    found = scan(tmp_path, {"n.ipynb": text, "near.ipynb": json.dumps(near, indent=1)})
    got = {r for r in rules_of(found, "n.ipynb") if r[0].startswith("SRC")}
    assert got == {("SRC004", line, 10, None), ("SRC003", line, 60, None), ("SRC002", line, 94, None)}
    assert not {r for r in rules_of(found, "near.ipynb") if r[0].startswith("SRC")}


def test_xml_element_secret(tmp_path: Path) -> None:
    found = scan(tmp_path, {
        "app.xml": f'<?xml version="1.0"?>\n<kore>\n  <clientSecret>{SECRET}</clientSecret>\n</kore>\n',
        "near.xml": '<kore>\n  <clientSecret>${KORE_SECRET}</clientSecret>\n</kore>\n',
    })
    assert ("SEC002", 3, 17, None) in rules_of(found, "app.xml")
    assert not {r for r in rules_of(found, "near.xml") if r[0] == "SEC002"}


def test_userinfo_password_reused(tmp_path: Path) -> None:
    found = scan(tmp_path, {
        "p1.yaml": "proxy: https://svc-kore:q8Zr2LmX7vTn4Kp1@proxy.example.com:8080\n",
        "p2.txt": "PROXY=https://svc-kore:q8Zr2LmX7vTn4Kp1@proxy.example.com:8080\n",
        "near/p3.yaml": "proxy: https://svc-kore:${PROXY_PASSWORD}@proxy.example.com:8080\n",
        "near/p4.txt": "PROXY=https://svc-kore:${PROXY_PASSWORD}@proxy.example.com:8080\n",
    })
    assert {r[0] for r in found if r[0] == "SEC010"} == {"SEC010"}
    assert not {r for r in found if r[0] == "SEC010" and r[1].startswith("near/")}
