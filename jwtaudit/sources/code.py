"""Entry point for source files: turns Python/JS/TS text into code and config subjects.

`subjects_for(rel_path, text, location)` returns a `CodeSubject` (facts for the SRC rules and
CFG004) and, for JavaScript/TypeScript, a `CodeDocumentSubject` of the literal configuration
objects in the file (for SEC003, SEC006 and the CFG rules). Files that cannot be analysed as
code (syntax error, minified bundle, too large, parse time limit) give a `CodeSubject` with
`unparsed` set, never an exception or a stall; for JS their client-SDK settings are still
recovered by a bounded, linear-time text scan. An HTML page's inline scripts are analysed as
the JavaScript they are, in place in the page.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from jwtaudit.model import Location
from jwtaudit.subjects import (
    CodeDocumentSubject,
    CodeHeader,
    CodeSubject,
    DocumentSubject,
    SkippedFile,
    Span,
    pointer_join,
)

_KORE_CONTEXT = re.compile(
    r"kore|\bcs-[0-9a-f]{8}-[0-9a-f]{4}-|\bst-[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE
)
MAX_CODE_BYTES = 1_000_000  # tree-sitter/ast above this size are too slow for a pre-commit hook
MAX_LINE_CHARS = 5_000  # a longer line means minified or generated code
LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}
_TEXT_KEYS = re.compile(
    r"""["']?(clientSecret|client_secret|JWTUrl|jwtUrl|jwtServerUrl|koreAPIUrl|koreApiUrl)["']?"""
    r"""[ \t]{0,20}[:=][ \t]{0,20}(["'])([^"'\\\r\n]{1,500})["']"""
)
# Native mobile (Kore's Android/iOS/Flutter SDK configs), single-file components (Vue, Svelte)
# and HTML pages (what is not an inline script, or a page whose scripts do not parse): not parsed
# as code, but their client settings are recovered by the same linear-time text scan, with the
# spellings those SDKs use
# (`client_secret`, `JWT_SERVER_URL`, `TOKEN_SERVER_URL`, `KORE_BOT_SERVER_URL`, `jwtAlgorithm`,
# Swift `String(format: "…")`), and the client/bot id and Kore URL that show a config is Kore's.
CLIENT_SUFFIXES = {
    ".java": "java", ".kt": "kotlin", ".swift": "swift", ".dart": "dart",
    ".vue": "vue", ".svelte": "svelte", ".html": "html", ".htm": "html",
}
_CLIENT_TEXT_KEYS = re.compile(
    r"""["']?(client_?secret|jwt_?url|jwt_?server(?:_?url)?|token_?server_?url|kore_?api_?url"""
    r"""|(?:kore_?)?bot_?server_?url|kore_?(?:url|host)|jwt_?algorithm|client_?id|bot_?id)["']?"""
    r"""[ \t]{0,20}[:=][ \t]{0,20}(?:String\(format:[ \t]{0,5}|@)?(["'])([^"'\\\r\n]{1,500})["']""",
    re.IGNORECASE,
)
_ANDROID_HINTS = ("android", "botssdk", "sdkconfiguration")
# Android Studio keeps an app module's sources in app/src/<source set>/java|kotlin/ (the unit and
# instrumented tests' sets do not ship). `gradle init` lays out a JVM application the same way,
# so a server framework or a main() in the file still says it runs on a server.
_ANDROID_APP_PATH = re.compile(
    r"(?:^|/)app/src/(?!test/|androidtest/|testfixtures/)[a-z0-9_]{1,40}/(?:java|kotlin)/")
_JVM_SERVER_HINTS = (
    "org.springframework", "io.ktor", "javax.servlet", "jakarta.servlet", "io.micronaut", "io.quarkus",
    "io.vertx", "io.dropwizard", "javax.ws.rs", "jakarta.ws.rs", "static void main(", "fun main(",
)
# curl examples in Markdown and shell scripts: `-H "apikey: $KORE_CLIENT_SECRET"` (CFG004).
SHELL_SUFFIXES = (".md", ".markdown", ".sh", ".bash", ".zsh")
_CURL_APIKEY = re.compile(
    r"""(?:-H|--header)[ \t]{1,20}(["'])(apikey)[ \t]{0,20}:[ \t]{0,20}([^"'\r\n]{1,300})\1""", re.IGNORECASE
)
_KORE_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9+/]{43}=$")
# BotKit keeps the client secret as `credentials.apikey` of its config.json (`credentials[botId]
# .apikey` per bot): a reference to it, not any name holding "apikey" (`SENDGRID_API_KEY`). Not
# followed by a member, index or call: `credentials.apikey.length` is not the secret.
_CREDENTIALS_APIKEY = re.compile(
    r"""credentials(?:["'`]\])?(?:\?\.)?(?:\[[^\]\r\n]{1,100}\](?:\?\.)?)?(?:\??\.apikey|\[\s*["'`]apikey["'`]\s*\])"""
    r"""(?![\w$]|[ \t]{0,20}[.\[(])""",
    re.IGNORECASE,
)
_NEWLINE = re.compile("\n")
_RELEVANT = re.compile(
    r"jwt|jws|jwe|jwk|jose|kjur|jsonwebtoken|jsrsasign|jwcrypto|botoptions|clientsecret|client_secret|"
    r"apikey|api_key|jwturl|koreapiurl|kore",
    re.IGNORECASE,
)
_RELEVANT_WORDS = tuple(_RELEVANT.pattern.split("|"))
_FRONTEND_HINTS = ("public/", "static/", "www/", "assets/", "dist/", "build/", "bundle", ".min.")


def client_language_for(rel_path: str) -> str | None:
    """The language of a native mobile or component file whose client settings are recovered."""
    lowered = rel_path.lower()
    for suffix, language in CLIENT_SUFFIXES.items():
        if lowered.endswith(suffix):
            return language
    return None


def language_for(rel_path: str) -> str | None:
    lowered = rel_path.lower()
    for suffix, language in LANGUAGES.items():
        if lowered.endswith(suffix):
            return language
    return None


def _unparsable_reason(text: str) -> str | None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_CODE_BYTES:
        return f"too large to analyse as code ({size} bytes, limit {MAX_CODE_BYTES})"
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > MAX_LINE_CHARS:
        return f"minified or generated code (a line of {longest} characters)"
    return None


def is_relevant(text: str) -> bool:
    """Whether the file can hold anything the code rules look at: a JWT/JOSE library, a Kore SDK
    setting, a client secret or an API-key header. Most source files do not, and skipping their
    parse is what keeps a scan of a large code base fast."""
    if text.isascii():  # the same test, as substring searches: twenty times faster than the regex
        low = text.lower()
        return any(word in low for word in _RELEVANT_WORDS)
    return _RELEVANT.search(text) is not None


def subjects_for(rel_path: str, text: str, location: Location) -> list[Any]:
    """Code subject(s) for one source file; never raises for bad code."""
    if rel_path.lower().endswith(SHELL_SUFFIXES):
        return _curl_headers(text, location)
    client = client_language_for(rel_path)
    if client == "html":
        return _html(rel_path, text, location)
    if client is not None:  # runs in a browser or an app; no SRC facts for these languages
        return _text_document(rel_path, text, location, client, minified=False, client=True)
    language = language_for(rel_path) or "javascript"
    reason = _unparsable_reason(text)
    if reason is None and not is_relevant(text):
        return [CodeSubject(location=location, language=language)]
    if reason is None:
        if language == "python":
            return _python(text, location)
        return _javascript(rel_path, text, location, language)
    subjects = unparsed(location, language, reason)
    if language != "python":
        subjects.extend(_text_document(rel_path, text, location, language, minified=True))
    return subjects


def unparsed(location: Location, language: str, reason: str) -> list[Any]:
    """A flagged `CodeSubject` plus a `SkippedFile`, so META002 says the code rules did not run."""
    return [
        CodeSubject(location=location, language=language, unparsed=reason),
        SkippedFile(location=location,
                    reason=f"not analysed as {language} code ({reason}); scanned for secrets as text"),
    ]


def kore_context(text: str) -> bool:
    """The file mentions Kore, a client id (cs-…) or a bot id (st-…): Kore rules apply."""
    if text.isascii():  # the same test as substring searches first (a case-blind regex is slow)
        low = text.lower()
        if "kore" in low:
            return True
        if "cs-" not in low and "st-" not in low:
            return False
    return _KORE_CONTEXT.search(text) is not None


def _python(text: str, location: Location) -> list[Any]:
    from jwtaudit.sources import code_python

    try:
        facts = code_python.analyse(text)
    except code_python.ParseFailure as exc:
        return unparsed(location, "python", str(exc))
    subjects: list[Any] = [CodeSubject(location=location, language="python", calls=tuple(facts.calls),
                                       headers=tuple(facts.headers), kore_context=kore_context(text))]
    if facts.data:
        subjects.append(CodeDocumentSubject(location=location, format="python", data=facts.data,
                                            spans=facts.spans, text=text, language="python",
                                            frontend=False, server=True))
    return subjects


def _javascript(rel_path: str, text: str, location: Location, language: str) -> list[Any]:
    from jwtaudit.sources import code_js

    data = text.encode("utf-8", "surrogatepass")
    try:
        facts = code_js.analyse(rel_path, data, language)
    except (code_js.ParseFailure, RecursionError, MemoryError) as exc:
        reason = str(exc) if isinstance(exc, code_js.ParseFailure) else "too deeply nested to analyse"
        subjects = unparsed(location, language, reason)
        subjects.extend(_text_document(rel_path, text, location, language, minified=False))
        return subjects
    return _js_subjects(text, location, language, facts)


def _js_subjects(text: str, location: Location, language: str, facts: Any) -> list[Any]:
    subjects = [CodeSubject(location=location, language=language, calls=tuple(facts.calls),
                            headers=tuple(facts.headers), kore_context=kore_context(text))]
    if facts.data:
        subjects.append(
            CodeDocumentSubject(location=location, format="javascript", data=facts.data,
                                spans=facts.spans, text=text, language=language,
                                frontend=facts.frontend, server=facts.server)
        )
    return subjects


# --- HTML pages: inline scripts -----------------------------------------------------------------

_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_MAX_TAG_CHARS = 2000
_SCRIPT_CLOSE = re.compile(r"</script[ \t\r\n]{0,50}>", re.IGNORECASE)
_SCRIPT_TYPE = re.compile(r"""(?:^|\s)type[ \t]{0,20}=[ \t]{0,20}["']?([^"'\s>]{0,100})""", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r"(?:^|\s)src[ \t]{0,20}=", re.IGNORECASE)
# `type` values a browser runs as JavaScript (text/babel and text/jsx: JSX compiled in the page);
# application/ld+json, application/json, text/template, text/x-handlebars … are data or markup.
_SCRIPT_TYPES = frozenset({
    "", "text/javascript", "application/javascript", "application/x-javascript", "text/ecmascript",
    "application/ecmascript", "module", "text/babel", "text/jsx",
})
_MAX_SCRIPTS = 500
_NOT_NEWLINE = re.compile(r"[^\r\n]")


def html_scripts(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the bodies of the inline JavaScript `<script>` blocks of a page
    (not `src=` ones, not data or template types)."""
    out: list[tuple[int, int]] = []
    position, tag_end = 0, -1
    while len(out) < _MAX_SCRIPTS:
        opening = _SCRIPT_OPEN.search(text, position)
        if opening is None:
            break
        if tag_end < opening.end():  # the `>` found before still closes this tag: each char read once
            tag_end = text.find(">", opening.end())
            if tag_end == -1:
                break
        if tag_end - opening.end() > _MAX_TAG_CHARS:
            position = opening.end()
            continue
        attributes, start = text[opening.end():tag_end], tag_end + 1
        closing = _SCRIPT_CLOSE.search(text, start)
        end = closing.start() if closing is not None else len(text)
        kind = _SCRIPT_TYPE.search(attributes)
        javascript = (kind.group(1).lower() if kind else "") in _SCRIPT_TYPES
        if javascript and _SCRIPT_SRC.search(attributes) is None and text[start:end].strip():
            out.append((start, end))
        if closing is None:
            break
        position = closing.end()
    return out


def _blanked(text: str, blocks: list[tuple[int, int]], *, keep_blocks: bool) -> str:
    """The page with every character but line breaks outside (`keep_blocks`) or inside the
    blocks made a space: lines and columns stay the page's. A kept block ends with `;` where its
    closing tag starts, so that its last statement does not run into the next block."""
    parts: list[str] = []
    last = 0
    for start, end in [*blocks, (len(text), len(text))]:
        between, body = text[last:start], text[start:end]
        if keep_blocks:
            between = _NOT_NEWLINE.sub(" ", between)
            if last and between[:1] == " ":
                between = ";" + between[1:]
            parts += [between, body]
        else:
            parts += [between, _NOT_NEWLINE.sub(" ", body)]
        last = end
    return "".join(parts)


def _html(rel_path: str, text: str, location: Location) -> list[Any]:
    """An HTML page: its inline scripts are analysed as one JavaScript program that runs in the
    browser (the rest of the page blanked, so places are the page's), and the client-settings
    text scan reads the rest (JSON and template blocks). A page with no script to analyse, or
    whose scripts do not parse (a server template's `{{ }}` in them), is text-scanned whole."""
    from jwtaudit.sources import code_js

    blocks = html_scripts(text)
    if blocks:
        script = _blanked(text, blocks, keep_blocks=True)
        if _unparsable_reason(script) is None and is_relevant(script):
            try:
                facts = code_js.analyse(rel_path, script.encode("utf-8", "surrogatepass"), "javascript",
                                        browser=True)
            except (code_js.ParseFailure, RecursionError, MemoryError):
                facts = None
            if facts is not None:
                subjects = _js_subjects(script, location, "javascript", facts)
                rest = _blanked(text, blocks, keep_blocks=False)
                subjects.extend(_text_document(rel_path, rest, location, "html", minified=False, client=True))
                return subjects
    return _text_document(rel_path, text, location, "html", minified=False, client=True)


def _text_document(rel_path: str, text: str, location: Location, language: str,
                   *, minified: bool, client: bool = False) -> list[Any]:
    """Client-SDK settings recovered from an unparsed JS file (or a native mobile/component file,
    `client`) by a linear-time scan."""
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    matches: list[dict[str, str]] = []
    spans: dict[str, Span] = {}
    for match in (_CLIENT_TEXT_KEYS if client else _TEXT_KEYS).finditer(text):
        if len(matches) >= 1000:
            break
        start = match.start(3)
        row = bisect.bisect_right(newlines, start - 1)
        line_start = newlines[row - 1] + 1 if row else 0
        pointer = pointer_join(pointer_join("/matches", len(matches)), match.group(1))
        spans[pointer] = Span(line=row + 1, column=start - line_start + 1, end_line=row + 1,
                              end_column=match.end(3) - line_start + 1)
        matches.append({match.group(1): match.group(3)})
    if not matches:
        return []
    lowered = rel_path.lower()
    frontend = minified or lowered.endswith((".jsx", ".tsx")) or any(h in lowered for h in _FRONTEND_HINTS)
    if client:  # Java and Kotlin also run servers (Spring, Ktor): only an Android app ships to users
        path = lowered.replace("\\", "/")
        frontend = language not in ("java", "kotlin") or _android_source(path, text.lower())
    return [CodeDocumentSubject(location=location, format="javascript-text", data={"matches": matches},
                                spans=spans, text=text, language=language, frontend=frontend)]


def _android_source(path: str, low: str) -> bool:
    """A Java/Kotlin file of an Android app: it names Android or Kore's Android SDK, or sits in an
    app module's source set and names no server framework."""
    where = path + "\n" + low
    if any(hint in where for hint in _ANDROID_HINTS):
        return True
    return _ANDROID_APP_PATH.search(path) is not None and not any(hint in low for hint in _JVM_SERVER_HINTS)


def _curl_headers(text: str, location: Location) -> list[Any]:
    """The client secret sent as BotKit's deprecated `apikey` header by a curl example."""
    mentions_kore = kore_context(text)
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    headers: list[CodeHeader] = []
    for match in _CURL_APIKEY.finditer(text):
        if len(headers) >= 100:
            break
        value = match.group(3).strip()
        if _curl_placeholder(value):
            continue  # `<your-client-secret>` is what the reader fills in, not a value named like it
        judged = _apikey_value(value, False)  # where the command sends it is not looked at
        if judged is None:
            continue
        ref, literal = judged
        start, end = match.start(2), match.end(3)
        row = bisect.bisect_right(newlines, start - 1)
        line_start = newlines[row - 1] + 1 if row else 0
        span = Span(line=row + 1, column=start - line_start + 1, end_line=row + 1,
                    end_column=end - line_start + 1)
        headers.append(CodeHeader(name=match.group(2), span=span, secret_ref=ref, value=literal))
    if not headers:
        return []
    return [CodeSubject(location=location, language="shell", headers=tuple(headers),
                        kore_context=mentions_kore)]


def _curl_placeholder(value: str) -> bool:
    """A stand-in written where the secret goes in a curl example (`<your-client-secret>`,
    `your-secret`, `xxxx`, `changeme`), not a shell variable or command that reads it
    (`$KORE_CLIENT_SECRET`, `${KORE_CLIENT_SECRET:-…}`, `$(jq …)`)."""
    if _SHELL_EXPANSION.match(value):
        return False
    from jwtaudit.sources.secrets import is_placeholder

    return is_placeholder(value)


_SHELL_EXPANSION = re.compile(r"^\$(?:\{?[A-Za-z_]|\()")


def is_credentials_apikey(text: str) -> bool:
    """The expression reads BotKit's `credentials.apikey` (`config.credentials.apikey`,
    `credentials["apikey"]`, `credentials[botId].apikey`, `jq .credentials.apikey`)."""
    return "credentials" in text.lower() and _CREDENTIALS_APIKEY.search(text) is not None


def _apikey_value(value: str, to_kore: bool) -> tuple[str, str | None] | None:
    """(why the value of an `apikey` header is the client secret, the literal if it is one), or
    None when nothing says so. A value merely named like an API key is the client secret only in
    a header sent to a Kore host (`to_kore`): Kore's one apikey is BotKit's."""
    name = "".join(ch for ch in value.lower() if ch.isalnum())
    if _KORE_SECRET_SHAPE.match(value):
        return "a literal with the shape of a Kore client secret", value
    if "secret" in name:
        return "a value named like the client secret", None
    if is_credentials_apikey(value):
        return "the BotKit credentials.apikey (the client secret)", None
    if to_kore and "apikey" in name:
        return "the BotKit apikey (the client secret)", None
    return None


_HEADER_KEYS = frozenset({"headers", "header", "requestheaders", "defaultheaders", "setheaders"})
_MAX_HEADER_WALK = 20_000


def document_headers(doc: DocumentSubject) -> list[Any]:
    """BotKit's `apikey` header with the client secret, set in a structured file (an API-gateway
    or proxy upstream, a saved Postman request): `headers: {apikey: …}` or `[{key: apikey, value:
    …}]` inside an object that (or whose ancestors) points at a Kore URL. A `CodeSubject` with
    those headers for CFG004, or []."""
    headers: list[CodeHeader] = []
    stack: list[tuple[str, Any, bool, int]] = [("", doc.data, False, 0)]
    seen = 0
    while stack and seen < _MAX_HEADER_WALK and len(headers) < 100:
        pointer, node, kore, depth = stack.pop()
        seen += 1
        if depth > 32:
            continue
        if isinstance(node, list):
            stack.extend((pointer_join(pointer, i), item, kore, depth + 1) for i, item in enumerate(node)
                         if isinstance(item, (dict, list)))
            continue
        if not isinstance(node, dict):
            continue
        kore = kore or _points_at_kore(node)
        for key, value in node.items():
            child = pointer_join(pointer, key)
            if kore and isinstance(key, str) and _normal(key) in _HEADER_KEYS:
                for name, at, item in _apikey_items(child, value):
                    judged = _apikey_value(item.strip(), True)
                    if judged is not None:
                        span = doc.locate(at)
                        headers.append(CodeHeader(
                            name=name, secret_ref=judged[0], value=judged[1], pointer=at,
                            span=Span(line=span.line or 1, column=span.column or 1,
                                      end_line=span.end_line or span.line or 1,
                                      end_column=span.end_column or span.column or 1)))
            if isinstance(value, (dict, list)):
                stack.append((child, value, kore, depth + 1))
    if not headers:
        return []
    return [CodeSubject(location=doc.location, language=doc.format, headers=tuple(headers),
                        kore_context=True)]


def _apikey_items(pointer: str, value: Any) -> list[tuple[str, str, str]]:
    """(header name, pointer of the value, value) of the `apikey` entries of a headers member."""
    out: list[tuple[str, str, str]] = []
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(name, str) and _normal(name) == "apikey" and isinstance(item, str):
                out.append((name, pointer_join(pointer, name), item))
    elif isinstance(value, list):
        for number, entry in enumerate(value[:200]):
            if not isinstance(entry, dict):
                continue
            label = entry.get("key", entry.get("name"))
            item = entry.get("value")
            if isinstance(label, str) and _normal(label) == "apikey" and isinstance(item, str):
                out.append((label, pointer_join(pointer_join(pointer, number), "value"), item))
    return out


def _points_at_kore(node: dict[Any, Any]) -> bool:
    """An object whose own URL (a string member, or `url.raw`/`url.host` of a Postman request)
    is on a Kore host."""
    for key, value in node.items():
        if isinstance(value, dict) and key == "url":
            value = value.get("raw") or value.get("host")
            if isinstance(value, list):
                value = ".".join(str(part) for part in value)
        if isinstance(value, str) and "kore" in value.lower() and _KORE_URL.search(value):
            return True
    return False


_KORE_URL = re.compile(r"^\s*(?:https?://)?(?:[\w-]+\.)*kore\.(?:ai|com|net)(?::\d+)?(?:[/?#]|\s*$)",
                       re.IGNORECASE)


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


# --- Jupyter notebooks ---------------------------------------------------------------------------

_NOTEBOOK_WORDS = ("jwt", "jose", "authlib", "jwcrypto")


def notebook_subjects(doc: Any) -> list[Any]:
    """The Python code analysis of a notebook's code cells, joined in order (each magic or shell
    line `%…`/`!…` blanked), with every place mapped back to the cell's source line in the
    notebook. Nothing when no cell names a JWT library or the joined code does not parse."""
    from dataclasses import replace

    from jwtaudit.sources import code_python

    data = doc.data
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return []
    lines: list[str] = []
    origin: list[tuple[str, int]] = []  # per joined line: (pointer of its source string, offset in it)
    for number, cell in enumerate(cells[:5000]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        pieces = [source] if isinstance(source, str) else source if isinstance(source, list) else []
        base = f"/cells/{number}/source"
        for index, piece in enumerate(pieces):
            if not isinstance(piece, str):
                continue
            pointer = base if isinstance(source, str) else f"{base}/{index}"
            offset = 0
            for line in piece.split("\n") if piece else []:
                stripped = line.lstrip()
                lines.append("" if stripped[:1] in ("%", "!") else line.rstrip("\r"))
                origin.append((pointer, offset))
                offset += len(line) + 1
            if piece.endswith("\n"):
                lines.pop()
                origin.pop()
        lines.append("")  # cells apart: the last line of a cell may lack its newline
        origin.append(("", 0))
    text = "\n".join(lines)
    low = text.lower()
    if not any(word in low for word in _NOTEBOOK_WORDS):
        return []
    try:
        facts = code_python.analyse(text)
    except (code_python.ParseFailure, RecursionError, MemoryError):
        return []
    if not facts.calls and not facts.headers:
        return []

    def remap(span: Span | None) -> Span | None:
        if span is None or not 1 <= span.line <= len(origin):
            return span
        pointer, offset = origin[span.line - 1]
        cell = doc.spans.get(pointer)
        if cell is None:
            return span
        raw = _raw_line(doc.text, cell.line)
        column = _raw_column(raw, cell.column, offset, span.column - 1)
        end_column = _raw_column(raw, cell.column, offset, span.end_column - 1) \
            if span.end_line == span.line else cell.end_column
        return Span(line=cell.line, column=column, end_line=cell.line, end_column=end_column)

    def claims(items: Any) -> Any:
        return tuple(replace(c, span=remap(c.span)) for c in items) if items is not None else None

    calls = tuple(replace(call, span=remap(call.span), algorithm_span=remap(call.algorithm_span),
                          key_span=remap(call.key_span), disabled_span=remap(call.disabled_span),
                          claims=claims(call.claims), clock_args=claims(call.clock_args) or ())
                  for call in facts.calls)
    headers = tuple(replace(header, span=remap(header.span)) for header in facts.headers)
    return [CodeSubject(location=doc.location, language="python", calls=calls, headers=headers,
                        kore_context=kore_context(text))]


def _raw_line(text: str, line: int) -> str:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:] if end == -1 else text[start:end]


def _raw_column(raw: str, start: int, offset: int, chars: int) -> int:
    """The 1-based column in the JSON text of the character `offset + chars` of the string whose
    contents start at column `start` (an escape such as `\\"` or `\\n` is written as two or more)."""
    at, left = start - 1, offset + chars
    while left > 0 and at < len(raw):
        if raw[at] == "\\":
            at += 6 if raw[at + 1:at + 2] == "u" else 2
        else:
            at += 1
        left -= 1
    return at + left + 1
