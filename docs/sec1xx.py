"""Regenerate docs/sec1xx.md, the table of detect-secrets plugins and their SEC1xx codes."""

from __future__ import annotations

from pathlib import Path

from jwtaudit.sources.secrets import NOT_RUN, PLUGINS

INTRO = """# SEC1xx: detect-secrets detectors in jwtaudit

`jwtaudit scan` runs [detect-secrets](https://github.com/Yelp/detect-secrets)' detectors through
its plugin API (`analyze_string`; never its global settings, never its network verification).
Each plugin class has a fixed code: codes are stable public IDs (baselines and SARIF depend on
them) and are never reused. A plugin runs only on the lines of a file where one of its trigger
words appears (or, for patterns without a literal, only in files that mention the service), and
its results pass jwtaudit's false-positive filters: templates (`${…}`, `{{…}}`, `process.env`),
placeholders (`<your-…>`, `example`, `xxxx`, `changeme`), UUIDs, SRI `sha256-/sha384-/sha512-`
hashes, data URIs and notebook outputs, git SHAs and digests next to hash-like names, and lock
files. Where a specific rule (SEC001–SEC008) reports the same place, the generic finding is
dropped. The two high-entropy detectors run only on lines that name a secret (`secret`,
`password`, `token`, `apikey`, `private`, `credential`, `auth`), where they add something.
"""


def table() -> str:
    lines = [INTRO, "| code | name | detect-secrets plugin | confidence | runs on lines containing |",
             "| --- | --- | --- | --- | --- |"]
    for spec in PLUGINS:
        if spec.file_words:
            where = "its own pattern, in files mentioning " + ", ".join(f"`{w}`" for w in spec.file_words)
        else:
            where = ", ".join(f"`{w}`" for w in spec.words)
            if spec.all_words:
                where += " and " + ", ".join(f"`{w}`" for w in spec.all_words)
        lines.append(f"| {spec.code} | {spec.name} | `{spec.plugin}` | {spec.confidence} | {where} |")
    lines += ["", "Not run: " + ", ".join(f"`{n}`" for n in NOT_RUN)
              + " — every JWT is decoded and judged by SEC001 and the TOK rules instead, and a public IP",
              "address is not a credential.", "",
              "This table is generated from `jwtaudit/sources/secrets.py` (`PLUGINS`); run",
              "`python docs/sec1xx.py` after changing it.", ""]
    return "\n".join(lines)


def main() -> None:
    out = Path(__file__).parent / "sec1xx.md"
    out.write_text(table(), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
