"""The per-file analysis: tokens and secret candidates in one file's text, with exact
line/column and pointers, as the subjects the rules judge.

`analyse_text(rel_path, text, options)` is the one function every scan mode calls (working tree,
staged blobs, history, the text files of an export): it runs a cheap whole-file pass (substring
checks on the lowercased text; `token_finder` for tokens) and does the expensive work — parsing,
context, subjects — only where that pass found a candidate. What a value's name says is
`key_names`'s to decide.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from jwtaudit.model import Location
from jwtaudit.sources import secrets as ds
from jwtaudit.sources.key_names import is_secret_key, is_xenioo_key_name, key_before, key_words, normalise_key
from jwtaudit.sources.lines import LineIndex
from jwtaudit.sources.pointers import PointerIndex
from jwtaudit.sources.structured import document_format, parse_document
from jwtaudit.sources.token_finder import FoundToken, find_tokens
from jwtaudit.subjects import (
    Assignment,
    CodeDocumentSubject,
    CodeSubject,
    DocumentSubject,
    TextSubject,
    TokenSubject,
    pointer_escape,
    pointer_join,
)

# A client secret's place: 43 standard-base64 characters and one "=", not inside a longer run.
# Found from its one literal, the "=": the engine jumps from one "=" to the next and looks back
# 44 characters, instead of trying 43 repetitions at every letter (25x faster on large JSON;
# `tests/test_fast_paths.py` checks it against the plain pattern).
# 43 base64 characters and "=", not inside a longer run (a shell default `${NAME:-…}` may precede it)
_KORE_SECRET_END = re.compile(r"=(?<=(?:(?<![A-Za-z0-9+/_\-])|(?<=:-))[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])")


def lowered(text: str) -> str:
    """`text.lower()`, computed once for the file the analysis and the document rules look at in
    turn (the text is held, so its identity cannot be reused)."""
    if _LOWERED[0] is not text:
        _LOWERED[:] = [text, text.lower()]
    low: str = _LOWERED[1]
    return low


_LOWERED: list[Any] = [None, ""]


def kore_secret_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every client-secret-shaped run, in order."""
    for match in _KORE_SECRET_END.finditer(text):
        end = match.end()
        yield end - 44, end
CLIENT_ID_RE = re.compile(r"cs-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ASSIGN = re.compile(
    r"""(?<![\w$.\-])["']?([A-Za-z_$@][\w$.\-]{0,80})["'\]]?[ \t]*(==|=>|:=|=|:)[ \t]*"""
    r"""(?:new\s+\w+\(\s*)?(["'`]?)([^\s"'`,;(){}\[\]<>]{6,4096})"""
)
_URL_QUERY = re.compile(
    r"[?&](?:amp;|#38;|#x26;)?(access_token|api_?key|apikey|token|secret|client_secret|key|password|auth"
    r"|accountapikey|botapikey|botapisecret)=([^&#\s\"'<>`\\)]{6,})",
    re.IGNORECASE,
)


def url_query_matches(text: str) -> Iterator[re.Match[str]]:
    """`_URL_QUERY.finditer(text)`: each match starts at a "?" or "&", found with `str.find`
    (a machine-level search) instead of the pattern's character-by-character scan (5x faster on
    large files: most "?" and "&" start no match). Text dense with them (minified code) is left
    to the pattern, whose scan does not slow down with them."""
    if (text.count("?") + text.count("&")) * 32 > len(text):
        yield from _URL_QUERY.finditer(text)
        return
    starts = _query_starts(text, "?") + _query_starts(text, "&")
    starts.sort()
    end = 0
    for start in starts:
        if start >= end:
            match = _URL_QUERY.match(text, start)
            if match is not None:
                end = match.end()
                yield match


def _query_starts(text: str, char: str) -> list[int]:
    out: list[int] = []
    pos = text.find(char)
    while pos != -1:
        out.append(pos)
        pos = text.find(char, pos + 1)
    return out


_URL_USERINFO = re.compile(r"://([^/\s:@\"'<>`]{0,128}):([^/\s@\"'<>`]{3,256})@[A-Za-z0-9.\-]")
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}(?:PRIVATE|PUBLIC) KEY(?: BLOCK)?)-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{0,40}KEY(?: BLOCK)?-----")
_JWK_PRIVATE = ("d", "p", "q", "dp", "dq", "qi")

SECRET_FILE_WORDS = ("secret", "apikey", "api_key", "api-key", "password", "passwd", "cs-", "apisecret",
                     "private key", "token", "credential", "kty", "://")
CODE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx")
# Native mobile and component files (client-SDK settings) and curl examples in Markdown and shell
# scripts (`apikey` headers): `sources.code` recovers what the code rules need from their text.
CLIENT_CODE_SUFFIXES = (".java", ".kt", ".swift", ".dart", ".vue", ".svelte", ".html", ".htm",
                        ".md", ".markdown", ".sh", ".bash", ".zsh")
CODE_WORDS = ("jwt", "jws", "jose", "botoptions", "clientsecret", "client_secret", "kore", "xenioo",
              "apikey", "jsonwebtoken", "authorization")
_PLAIN_CODE_WORDS = ("jwt", "jws", "jose", "botoptions", "kore", "xenioo")  # no trigger word inside


@dataclass(frozen=True, kw_only=True)
class ScanOptions:
    """What the per-file analysis needs from the command (picklable, for worker processes)."""

    profile: str | None = None
    code_subjects: bool = True  # call jwtaudit.sources.code when it is installed


@dataclass(kw_only=True)
class FileAnalysis:
    """Everything one file contributes: subjects for the engine, and scan-wide material."""

    subjects: list[Any] = field(default_factory=list)
    tokens: list[TokenSubject] = field(default_factory=list)
    secrets: list[Assignment] = field(default_factory=list)
    public_keys: list[Assignment] = field(default_factory=list)  # and private PEM keys (SEC009)
    sensitive: list[str] = field(default_factory=list)  # raw values for the redactor
    context_words: tuple[str, ...] = ()  # app/bot/account names and client ids, for TOK015 scan-wide


# --- decoding --------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM-marked UTF-8/16/32, else UTF-8, else Latin-1 (never fails)."""
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), name
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"






# --- the per-file analysis ---------------------------------------------------------------------


class _Context:
    """Lazily computed per-file facts shared by the finders."""

    def __init__(self, rel_path: str, text: str, commit: str | None) -> None:
        self.rel_path = rel_path
        self.text = text
        self.commit = commit
        self._index: LineIndex | None = None
        self.document: DocumentSubject | None = None
        self._pointer_index: PointerIndex | None = None
        self.low = ""
        self.present: frozenset[str] = frozenset()
        self.positions: dict[str, list[int]] = {}
        self._word_lines: dict[str, set[int]] = {}
        self.context_words: tuple[str, ...] | None = None
        self.gated: set[str] = set()  # codes of the detectors whose file-level words are present
        self.code_documents: list[Any] = []  # CodeDocumentSubjects of a source file
        self.secret_data: list[tuple[str, str, int, int, tuple[Any, ...]]] | None = None  # Secrets' data

    def has(self, word: str) -> bool:
        """`word in self.low` for a trigger word, answered from the word pass: the pass misses an
        occurrence only where an earlier match runs into it (`_OVERLAP_RISKS`), and only then is
        the text searched again."""
        present = self.present
        if word in present:
            return True
        if not _OVERLAP_RISKS:  # worked out on first use: import time matters to the pre-commit hook
            _OVERLAP_RISKS.update(_overlap_risks(ALL_WORDS))
        return not present.isdisjoint(_OVERLAP_RISKS[word]) and word in self.low

    def word_lines(self, word: str) -> set[int]:
        """1-based lines holding `word` in the lowercased text (ordinary words inside a base64
        blob do not count)."""
        lines = self._word_lines.get(word)
        if lines is None:
            low = self.low
            positions = self.positions.get(word, ())[:50000]
            if word in NATURAL_WORDS:
                positions = [pos for pos in positions if not in_blob(low, pos, len(word))]
            if len(low) == len(self.text):  # lowercasing kept every offset: the text's line index fits
                lines = self.index.lines_at(positions)
            else:
                lines, line, previous, count = set(), 1, 0, low.count
                for pos in positions:  # ascending: count the newlines in between
                    line += count("\n", previous, pos)
                    previous = pos
                    lines.add(line)
            self._word_lines[word] = lines
        return lines

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex.of(self.text)
        return self._index

    def line_text(self, line: int) -> str:
        start = self.index.line_start(line)
        end = self.text.find("\n", start)
        return (self.text[start:] if end == -1 else self.text[start:end]).rstrip("\r")

    def location(self, start: int, end: int, pointer: str | None = None) -> Location:
        span = self.index.span(start, end)
        return Location(path=self.rel_path, line=span.line, column=span.column, end_line=span.end_line,
                        end_column=span.end_column, pointer=pointer, commit=self.commit)

    def value_pointer_at(self, line: int, column: int) -> str | None:
        """`pointer_at`, else the pointer of the innermost value that spans several lines and holds
        this place (a YAML block scalar `key: |` whose text starts on the next line)."""
        pointer = self.pointer_at(line, column)
        if pointer is not None or self.document is None:
            return pointer
        return self._pointers().spanning(line, column)

    def pointer_at(self, line: int, column: int) -> str | None:
        """The JSON pointer of the scalar value whose span holds this place, if any."""
        if self.document is None:
            return None
        return self._pointers().on_line(line, column)

    def _pointers(self) -> PointerIndex:
        if self._pointer_index is None:
            self._pointer_index = PointerIndex(self.document.spans if self.document is not None else {})
        return self._pointer_index


def analyse_text(rel_path: str, text: str, options: ScanOptions | None = None, *,
                 commit: str | None = None) -> FileAnalysis:
    """Subjects and scan-wide material for one file's text (a working-tree file or a git blob)."""
    options = options or ScanOptions()
    out = FileAnalysis()
    ctx = _Context(rel_path, text, commit)
    fmt = document_format(rel_path)
    if fmt is not None:
        ctx.document = parse_document(rel_path, text, commit=commit)
        if ctx.document is not None:
            out.subjects.append(ctx.document)
            # names only: client ids are tried per token (its own appId/iss), not scan-wide
            out.context_words = tuple(w for w in _context_words(ctx) if not CLIENT_ID_RE.fullmatch(w))
    low = lowered(text)
    ctx.low = low
    ctx.positions = word_positions(low)
    ctx.present = frozenset(ctx.positions)
    code_subjects: list[Any] = []
    is_code = rel_path.lower().endswith((*CODE_SUFFIXES, *CLIENT_CODE_SUFFIXES))
    if options.code_subjects and is_code and _names_code_words(ctx):
        code_subjects = _from_code("subjects_for", rel_path, text, Location(path=rel_path, commit=commit))
        ctx.code_documents = [s for s in code_subjects if isinstance(s, CodeDocumentSubject)]
        if ctx.code_documents:  # the web SDK's `botOptions.botInfo.name`, `APP_NAME = "…"`
            out.context_words = tuple(w for w in _context_words(ctx) if not CLIENT_ID_RE.fullmatch(w))
    if options.code_subjects and ctx.document is not None and ctx.document.format == "notebook" \
            and ("jwt" in low or "jose" in low):
        code_subjects = _from_code("notebook_subjects", ctx.document)
    tokens = find_tokens(text)
    encoded = _kubernetes_secret_data(ctx) if "secret" in low and ctx.document is not None else []
    for _, decoded, start, end, _ in encoded:  # a Secret's `data:` keeps its tokens base64-encoded
        inner = find_tokens(decoded)
        if len(inner) == 1 and inner[0].raw == decoded.strip():
            tokens.append(FoundToken(raw=decoded.strip(), start=start, end=end, token=inner[0].token))
            out.sensitive.append(text[start:end])
    for found in tokens:
        subject = _token_subject(ctx, found, options)
        out.subjects.append(subject)
        out.tokens.append(subject)
        out.sensitive.append(found.raw)
        out.sensitive.extend(p for p in found.raw.split(".")[2:] if p)
    out.subjects.extend(code_subjects)
    doc = ctx.document
    if options.code_subjects and doc is not None and doc.format in ("json", "yaml", "toml") \
            and ctx.has("apikey"):
        # a gateway upstream or a saved request sending BotKit's `apikey` header
        out.subjects.extend(_from_code("document_headers", doc))
    for subject in code_subjects:
        if isinstance(subject, CodeSubject) and subject.calls:
            _add_code_signing_keys(subject, out)
    if "mk2r2rmj21" in low or "demo.kore.net" in low:
        out.subjects.extend(_demo_url_documents(ctx))
    ctx.gated = ds.file_words_present(low)
    if not ctx.present and not ctx.gated:
        return out
    assignments = _assignments(ctx, low)
    candidate_lines = _candidate_lines(ctx, low)
    client_ids = tuple((m.group(), ctx.index.position(m.start())[0]) for m in CLIENT_ID_RE.finditer(text)) \
        if "cs-" in text else ()
    if assignments or candidate_lines:
        line_texts = {n: ctx.line_text(n) for _, lines in candidate_lines for n in lines}
        out.subjects.append(TextSubject(
            location=Location(path=rel_path, commit=commit), text=text, format=fmt,
            assignments=tuple(assignments), detector_lines=candidate_lines, client_ids=client_ids,
            document=ctx.document, line_texts=line_texts,
        ))
    for item in assignments:
        if item.scope in ("public-key", "pem", "jwk-private"):  # a private key proves who signed (SEC009)
            out.public_keys.append(item)
        elif item.scope not in ("pem", "jwk-private") and len(item.value) >= 8 \
                and (is_secret_key(item.key) or is_kore_secret(item.value) or _literal_password(item)) \
                and not ds.is_placeholder(item.value):
            near = [cid for cid, at in client_ids if item.location.line and abs(at - item.location.line) <= 3]
            out.secrets.append(replace(item, client_id=near[0]) if near else item)
        if item.scope != "public-key" and _worth_redacting(item.value):
            out.sensitive.append(item.value)
    return out


def _literal_password(item: Assignment) -> bool:
    """A URL user-info password written out (`https://user:<password>@host`), not a reference
    (`$PASS`, `${PASS}`, `{{pass}}`, `%s`, `<password>`)."""
    return item.scope == "url-userinfo" and not any(c in item.value for c in "${}%<>*") \
        and ds.shannon_entropy(item.value) >= 2.5


def _add_code_signing_keys(subject: CodeSubject, out: FileAnalysis) -> None:
    """Literal HMAC keys of signing and verifying calls (`jwt.encode(p, "<literal>", …)`, SRC003)
    join the file's secrets, so that SEC009 tries them against every token of the scan."""
    for call in subject.calls:
        value, span = call.key_literal, call.key_span
        if not value or span is None or call.op not in ("sign", "verify") or len(value) < 8:
            continue
        if "-----BEGIN" in value or ds.is_placeholder(value):
            continue  # a PEM key (SEC008 judges it), a documentation placeholder
        location = replace(subject.location, line=span.line, column=span.column, end_line=span.end_line,
                           end_column=span.end_column, pointer=None)
        out.secrets.append(Assignment(key=f"signing key of {call.callee[:40]}", value=value,
                                      location=location, scope=f"line:{span.line}"))
        if _worth_redacting(value):
            out.sensitive.append(value)


_DEMO_URL = re.compile(r"https?:(?://|\\/\\/)(?:mk2r2rmj21\.execute-api\.us-east-1\.amazonaws\.com|demo\.kore\.net)"
                       r"(?![\w.\-])[^\s\"'`<>)\\]*", re.IGNORECASE)


def _demo_url_documents(ctx: _Context) -> list[CodeDocumentSubject]:
    """The URL literals naming a Kore demo token service (SEC006: "flagged under any key") that no
    parsed document holds, as a document of {name they are bound to: URL} for the document rules:
    `const tokenService = "https://mk2r2rmj21…/dev/users/sts"` in a file with no config object."""
    if ctx.document is not None:
        return []  # its walk sees every string
    known = {value for doc in ctx.code_documents for _p, value in _string_leaves(doc.data)}
    data: dict[str, str] = {}
    spans: dict[str, Any] = {}
    for match in _DEMO_URL.finditer(ctx.text):
        url = match.group().replace("\\/", "/")
        if url in known or len(data) >= 20:
            continue
        line, column = ctx.index.position(match.start())
        name = key_before(ctx.line_text(line)[:column - 1].rstrip("\"'`")) or "url"
        base, number = name, 1
        while name in data:
            number += 1
            name = f"{base}#{number}"
        data[name] = url
        span = ctx.index.span(match.start(), match.end())
        spans[pointer_join("", name)] = span
    if not data:
        return []
    return [CodeDocumentSubject(location=Location(path=ctx.rel_path, commit=ctx.commit), format="text",
                                data=data, spans=spans, text=ctx.text, language="text")]


def _worth_redacting(value: str) -> bool:
    """Values the redactor must know: secret-shaped ones. A short, low-entropy or name-like value
    under a secret-like name (`key: export-90`, `key: module_utils`) would only mangle ordinary
    words and paths in reports."""
    return is_kore_secret(value) or (len(value) >= 12 and ds.shannon_entropy(value) >= 3.0
                                     and not ds.is_placeholder(value) and not ds.is_name_like(value))


KEYWORD_LINE_WORDS = ("secret", "password", "passwd", "pwd", "apikey", "api_key", "api-key", "token", "key",
                      "credential", "auth")
ALL_WORDS = tuple(sorted(set(SECRET_FILE_WORDS) | set(KEYWORD_LINE_WORDS) | set(ds.line_words())))
_WORDS: list[Any] = []  # [compiled trie regex, {word: ((contained word, offset), ...)}], built once


def word_positions(low: str) -> dict[str, list[int]]:
    """Every trigger word in a lowercased text with its offsets: one pass of a trie regex (twice
    as fast as a substring search per word), then the shorter words inside each match."""
    if not _WORDS:
        from jwtaudit.redact import _trie_pattern

        inside = {w: tuple((v, i) for v in ALL_WORDS for i in range(len(w)) if w.startswith(v, i))
                  for w in ALL_WORDS}
        _WORDS.extend((_trie_pattern(ALL_WORDS), inside))
    pattern, inside = _WORDS
    out: dict[str, list[int]] = {}
    for match in pattern.finditer(low):
        start = match.start()
        for word, offset in inside[match.group()]:
            out.setdefault(word, []).append(start + offset)
    return out


def _overlap_risks(words: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """For each trigger word, the words whose match can run into one of its occurrences (a
    proper suffix of theirs is a proper prefix of it): the pass, which resumes after each match,
    can miss the occurrence only when one of those was found."""
    return {word: frozenset(other for other in words
                            if any(word.startswith(other[k:]) and len(other) - k < len(word)
                                   for k in range(1, len(other))))
            for word in words}


_OVERLAP_RISKS: dict[str, frozenset[str]] = {}  # `_overlap_risks(ALL_WORDS)`, filled on first use
# Code words that contain a trigger word: absent whenever that trigger word is absent.
_CODE_WORDS_BY_TRIGGER = (("secret", ("clientsecret", "client_secret")), ("token", ("jsonwebtoken",)),
                          ("auth", ("authorization",)), ("apikey", ("apikey",)))


def _names_code_words(ctx: _Context) -> bool:
    """`any(word in ctx.low for word in CODE_WORDS)`, with the code words that contain a trigger
    word looked for only when the word pass saw that trigger word."""
    low = ctx.low
    if any(word in low for word in _PLAIN_CODE_WORDS):
        return True
    return any(ctx.has(trigger) and any(word in low for word in words)
               for trigger, words in _CODE_WORDS_BY_TRIGGER)


def _token_subject(ctx: _Context, found: FoundToken, options: ScanOptions) -> TokenSubject:
    token = found.token
    if token is None:
        from jwtaudit.tokens import decode_unverified

        token = decode_unverified(found.raw)
    line, column = ctx.index.position(found.start)
    text = ctx.text
    # What is before the token on its line, and the three lines around it, within a bounded
    # reach: a minified bundle holds thousands of tokens on one line (linear, not quadratic).
    line_start = ctx.index.line_start(line)
    prefix = text[max(line_start, found.start - _REACH):found.start]
    key = key_before(prefix)
    pointer = ctx.pointer_at(line, column)
    location = ctx.location(found.start, found.end, pointer)
    first = ctx.index.line_start(max(1, line - 3))
    last = min(ctx.index.line_count, line + 3)
    after = ctx.index.line_start(last + 1) if last < ctx.index.line_count else len(text)
    window = text[max(first, found.start - _NEAR):min(after, found.end + _NEAR)]
    public_api = normalise_key(key) == "auth" or "/api/public/" in window \
        or _named_auth_header(prefix, ctx.document, pointer)
    anchor = pointer or key
    return TokenSubject(
        token=token, location=location, anchor=anchor, profile=options.profile, public_api=public_api,
        stored=True, context_words=_context_words(ctx),
    )


_REACH = 512  # characters before a token in which its name and header are looked for
_NEAR = 4096  # characters either side of a token in which a `/api/public/` URL ties it to the APIs


# The header name as a string literal right before the value, as a call's arguments
# (`req.Header.Set("auth", "<tok>")`, `headers.put("auth", …)`, `setRequestProperty("auth", …)`,
# `DefaultRequestHeaders.Add("auth", …)`) or a name/value item (Postman `{"key": "auth", "value":
# "<tok>"}`, `{ name: 'auth', value: … }`).
_AUTH_HEADER_BEFORE = re.compile(
    r"""(?:["'`]auth["'`][ \t]*,[ \t]*"""
    r"""|\b(?:key|name)["']?[ \t]*[:=][ \t]*["'`]auth["'`][ \t]*,[ \t]*["']?value["']?[ \t]*[:=][ \t]*)"""
    r"""["'`]?$""",
    re.IGNORECASE,
)


def _named_auth_header(prefix: str, doc: DocumentSubject | None, pointer: str | None) -> bool:
    """The token is the value of an `auth` header named beside it rather than as its key: a
    header-name literal before it in a call, or the `value` of a `{key|name: "auth"}` item."""
    if "auth" in prefix.lower() and _AUTH_HEADER_BEFORE.search(prefix[-200:]):
        return True
    if doc is None or not pointer or not pointer.endswith("/value"):
        return False
    parent = node_at(doc.data, pointer.rsplit("/", 1)[0])
    if not isinstance(parent, dict):
        return False
    label = parent.get("key", parent.get("name"))
    return isinstance(label, str) and label.strip().lower() == "auth"


def node_at(data: Any, pointer: str) -> Any:
    """The node a JSON pointer names, or None."""
    node = data
    for part in pointer.split("/")[1:] if pointer else ():
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _context_words(ctx: _Context) -> tuple[str, ...]:
    """Names from the file that people use as weak secrets: app/bot names, client ids (worked
    out once per file: the document and each of its tokens ask)."""
    if ctx.context_words is None:
        words: list[str] = [m.group() for m in CLIENT_ID_RE.finditer(ctx.text)] if "cs-" in ctx.text else []
        doc = ctx.document
        if doc is not None and isinstance(doc.data, dict):
            _add_name_values(doc.data, words)
        for code_doc in ctx.code_documents:
            _add_code_name_values(code_doc.data, words)
        stage = _env_file_stage(ctx.rel_path)
        if stage:
            words.append(stage)
        ctx.context_words = tuple(dict.fromkeys(words))
    return ctx.context_words


_NOT_STAGES = frozenset({"example", "sample", "template", "tmpl", "dist", "defaults", "default", "bak",
                         "orig", "old", "backup", "copy", "swp"})


def _env_file_stage(rel_path: str) -> str:
    """The environment an env file is named for: `.env.acme-prod-eu` (not `.env.example` and
    other copies of the template). A `name.env` file is named for its service, not a stage."""
    name = rel_path.rsplit("/", 1)[-1]
    if not name.lower().startswith(".env."):
        return ""
    stage = name[5:]
    return stage if 2 < len(stage) <= 64 and stage.lower() not in _NOT_STAGES else ""


_NAME_KEYS = frozenset({"name", "appname", "botname", "app", "bot", "env", "environment", "accountname"})
MAX_NAME_WORDS = 50


def name_values(data: Any) -> list[str]:
    """The app, bot, account and environment names of a parsed document (at most MAX_NAME_WORDS),
    as a scan takes them for TOK015: `token --export` tries the same ones."""
    words: list[str] = []
    _add_name_values(data, words)
    return words[:MAX_NAME_WORDS]


def _add_name_values(data: Any, words: list[str], max_depth: int = 64) -> None:
    """Append the values under name keys (`appName`, `botName`, `env` …) in document order
    (each node, then the nodes below it), until `words` holds more than MAX_NAME_WORDS: one loop with
    the name test memoised (a large document has few distinct keys and many nodes)."""
    stack = [_items(data)]
    while stack:
        for member, value in stack[-1]:
            if isinstance(value, str):
                if 2 < len(value) <= 64 and type(member) is not int and _is_name_key(
                        member if type(member) is str else str(member)):  # a list index is never a name
                    words.append(value)
            elif isinstance(value, (dict, list)) and len(stack) <= max_depth:
                if len(words) > MAX_NAME_WORDS:
                    return
                stack.append(_items(value))
                break
            if len(words) > MAX_NAME_WORDS:
                return
        else:
            stack.pop()


@lru_cache(maxsize=65536)
def _is_name_key(key: str) -> bool:
    """`name`, `appName`, `KORE_BOT_NAME`, `ACCOUNT_NAME`, `env`, `APP_ENV`, `NODE_ENV`,
    `deployEnvironment`: an app, bot or account name, or an environment name."""
    if normalise_key(pointer_escape(key) if "/" in key or "~" in key else key) in _NAME_KEYS:
        return True
    words = key_words(key)
    if not words:
        return False
    return words[-1] in ("env", "environment") or (
        len(words) >= 2 and words[-1] == "name" and words[-2] in _NAMED_THINGS)


_NAMED_THINGS = frozenset({"app", "application", "bot", "account"})
# Objects of a source file whose `name` is an app or bot name: the web SDK's `botOptions.botInfo`,
# React Native `botConfig`, `appInfo` (a bare `name` elsewhere in code is anything's name).
_NAMED_OBJECT_WORDS = ("bot", "app", "account")


def _add_code_name_values(data: Any, words: list[str], max_depth: int = 16) -> None:
    """Names from the literal configuration objects of a source file: `botOptions.botInfo.name`,
    `APP_NAME = "…"`, `botName: "…"`; a plain `name` only inside a bot/app/account object."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack and len(words) <= MAX_NAME_WORDS:
        owner, node, depth = stack.pop()
        if not isinstance(node, dict) or depth > max_depth:
            continue
        inside = any(word in owner for word in _NAMED_OBJECT_WORDS)
        for member, value in node.items():
            if type(member) is not str:
                continue
            if isinstance(value, str):
                if 2 < len(value) <= 64 and _is_name_key(member) and (
                        inside or normalise_key(member) not in _BARE_NAME_KEYS):
                    words.append(value)
            elif isinstance(value, dict):
                stack.append((normalise_key(member), value, depth + 1))


_BARE_NAME_KEYS = frozenset({"name", "app", "bot"})


def _from_code(function: str, *args: Any) -> list[Any]:
    """What `jwtaudit.sources.code.<function>` makes of the input (code subjects, a notebook's
    cells, a document's request headers); nothing when it cannot (an optional parser missing,
    input nested too deeply to analyse)."""
    try:
        from jwtaudit.sources import code
    except ImportError:
        return []
    make = getattr(code, function, None)
    if make is None:
        return []
    try:
        return list(make(*args))
    except (ValueError, RecursionError):
        return []


_ROOT = object()  # the member name of a document that is itself a string


def _string_members(data: Any, max_depth: int = 64) -> Iterator[tuple[tuple[Any, ...], Any, str]]:
    """`_string_leaves` as (path of the container, member name or index, value), in the same
    order: a leaf's own path tuple is built only by a caller that wants it (most leaves of a
    large document are not wanted)."""
    stack: list[tuple[tuple[Any, ...], Any, Any]] = [((), _ROOT, data)]
    while stack:
        parent, member, value = stack.pop()
        if isinstance(value, str):
            if len(value) >= 6:
                yield parent, member, value
            continue
        path = parent if member is _ROOT else (*parent, member)
        if len(path) < max_depth:
            if isinstance(value, dict):
                stack.extend((path, key, item) for key, item in reversed(value.items()))
            elif isinstance(value, list):
                stack.extend((path, number, item) for number, item in reversed(list(enumerate(value))))


def _candidate_members(data: Any, max_depth: int = 64) -> list[tuple[tuple[Any, ...], Any, str, str | None]]:
    """The members of `_string_members` that `_assignments` looks at, in the same order: strings
    under a secret-like name, of the Kore secret shape, or opening like a JSON body. One loop over
    the containers, the name test memoised: a large API description has a million strings and few
    distinct names.

    The fourth item is the name a value is bound to when that is not its member name: the `value`
    of a name/value pair object (Postman `{"key": "clientSecret", "value": "…"}`, an environment's
    `{"key": …, "value": …, "type": "secret"}`), or the `NAME` of a `NAME=value` string in a list
    (docker-compose `environment:` in list form; the value is then the part after "=")."""
    def wanted(member: Any, value: str) -> bool:
        return (_names_a_secret(member if type(member) is str else str(member))
                or value[0] == "{" or value[0].isspace() or (len(value) == 44 and is_kore_secret(value)))

    if not isinstance(data, (dict, list)):
        wanted_root = isinstance(data, str) and len(data) >= 6 and wanted("", data)
        return [((), _ROOT, data, None)] if wanted_root else []
    out: list[tuple[tuple[Any, ...], Any, str, str | None]] = []
    stack: list[tuple[tuple[Any, ...], Iterator[tuple[Any, Any]], Any]] = [((), _items(data), data)]
    while stack:
        path, items, node = stack[-1]
        for member, value in items:
            if isinstance(value, str):
                if len(value) < 6:
                    continue
                if member == "value" and type(node) is dict:
                    name = pair_name(node)
                    if name is not None:
                        if wanted(name, value):
                            out.append((path, member, value, name))
                        continue
                elif type(member) is int and "=" in value:
                    binding = list_binding(value)
                    if binding is not None:
                        if len(binding[1]) >= 6 and wanted(binding[0], binding[1]):
                            out.append((path, member, binding[1], binding[0]))
                        continue
                if wanted(member, value):
                    out.append((path, member, value, None))
            elif isinstance(value, (dict, list)) and len(path) + 1 < max_depth:
                stack.append(((*path, member), _items(value), value))
                break
        else:
            stack.pop()
    return out


_PAIR_NAME_KEYS = ("key", "name")
_LIST_BINDING = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-]{0,80})=(\S.*)", re.DOTALL)


def pair_name(node: dict[Any, Any]) -> str | None:
    """The name of a name/value pair object (`{"key": "apikey", "value": "…"}`, also with
    `type`/`enabled`/`description` members), else None."""
    for name_key in _PAIR_NAME_KEYS:
        name = node.get(name_key)
        if type(name) is str and 0 < len(name) <= 128:
            return name
    return None


def list_binding(value: str) -> tuple[str, str] | None:
    """(NAME, value) of a `NAME=value` list item (docker-compose `environment:` in list form)."""
    match = _LIST_BINDING.fullmatch(value)
    return (match.group(1), match.group(2)) if match is not None else None


def _items(node: Any) -> Iterator[tuple[Any, Any]]:
    return iter(node.items()) if isinstance(node, dict) else enumerate(node)


@lru_cache(maxsize=65536)
def _names_a_secret(key: str) -> bool:
    return is_secret_key(key) or is_xenioo_key_name(key)


def _string_leaves(data: Any, max_depth: int = 64) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, value) for every string of at least 6 characters, depth-first in document order."""
    for parent, member, value in _string_members(data, max_depth):
        yield (parent if member is _ROOT else (*parent, member)), value


def _embedded_json_leaves(text: str) -> list[tuple[str, str]]:
    """(key, value) of the string leaves of a JSON object held in a string; [] when it is not one."""
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    return [(str(path[-1]), value) for path, value in _string_leaves(data, max_depth=16) if path][:200]


def _walk(value: Any, pointer: str, depth: int) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for every node, depth-bounded."""
    if depth > 64:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            child = pointer_join(pointer, key)
            yield child, item
            yield from _walk(item, child, depth + 1)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            child = pointer_join(pointer, number)
            yield child, item
            yield from _walk(item, child, depth + 1)


def _string_jwks(value: str) -> list[Assignment]:
    """The JWKs of a JSON string value (parsed as JSON, bounded), placed by the caller."""
    import json

    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return []
    if not _has_jwk(data):
        return []
    return list(_jwk_assignments(data, lambda pointer: Location(path="")))


def _has_jwk(data: Any) -> bool:
    """Whether any object of the document has a string `kty` (walked without pointers)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("kty"), str):
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def is_kore_secret(value: str) -> bool:
    """44-character standard base64 of exactly 32 bytes (the platform's client-secret format)."""
    if len(value) != 44 or not value.endswith("=") or value.endswith("=="):
        return False
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _assignments(ctx: _Context, low: str) -> list[Assignment]:
    """Values bound to names, Kore-secret-shaped literals, URL credentials and key blocks."""
    out: list[Assignment] = []
    seen: set[tuple[int | None, int | None, str]] = set()

    def add(item: Assignment) -> None:
        # a value in a URL is also that URL's credential (SEC007), beside what its name makes it
        kind = item.scope if item.scope.startswith("url-") else ""
        key = (item.location.line, item.location.column, item.value, kind)
        if key not in seen:
            seen.add(key)
            out.append(item)

    text = ctx.text
    doc = ctx.document
    encoded = _kubernetes_secret_data(ctx) if "secret" in low and doc is not None else []
    decoded_members = {item[4] for item in encoded}  # judged decoded, below
    if doc is not None and doc.format in ("json", "yaml", "toml", "env", "ini", "notebook", "xml-values"):
        for parent, member, value, bound in _candidate_members(doc.data):
            if decoded_members and (*parent, member) in decoded_members:
                continue
            key = bound if bound is not None else "" if member is _ROOT else member if type(member) is str \
                else str(member)
            wanted = is_secret_key(key) or is_kore_secret(value) or is_xenioo_key_name(key)
            if not wanted and value[0] != "{" and not value[0].isspace():
                continue  # neither a secret nor a JSON body kept in a string (below)
            path = parent if member is _ROOT else (*parent, member)
            if not wanted and value.lstrip()[:1] == "{" and '"' in value and len(value) <= 65536:
                # a JSON body kept as a string (Postman `body.raw`, a saved request): its secrets
                # are reported at the string's place
                pointer = "".join(pointer_join("", part) for part in path)
                outer = doc.locate(pointer)
                start = ctx.index.line_start(outer.line) + (outer.column or 1) - 1 \
                    if outer.line and outer.line <= ctx.index.line_count else -1
                for inner_key, inner in _embedded_json_leaves(value):
                    if is_secret_key(inner_key) or is_kore_secret(inner) or is_xenioo_key_name(inner_key):
                        # the value's own place when it is written unescaped in the text (as the
                        # literal scan below also finds it), else the string's place
                        at = text.find(inner, start, start + 2 * len(value) + 64) if start >= 0 else -1
                        where = ctx.location(at, at + len(inner), ctx.pointer_at(*ctx.index.position(at))) \
                            if at >= 0 else outer
                        add(Assignment(key=inner_key, value=inner, location=where, scope=pointer))
                if '"kty"' in value:  # a JWK or JWKS kept as a JSON string (`JWT_PRIVATE_JWK={…}`)
                    for item in _string_jwks(value):
                        add(replace(item, location=outer))
                continue
            if not wanted or "outputs" in path[:-1]:
                continue
            scope = "".join(pointer_join("", part) for part in path[:-1])
            pointer = pointer_join(scope, member) if path else ""
            location = doc.locate(pointer)
            if bound is not None and type(member) is int:  # `NAME=value`: the value's part of the item
                location = _after_name(location, len(bound) + 1, len(value))
            add(Assignment(key=key, value=value, location=location, scope=scope))
    # In a parsed document the walk above saw every real value; `key: value` text inside one of its
    # strings (a regex, a description) is not an assignment. Notebooks hold code in strings.
    lines = _keyword_lines(ctx, low) if doc is None or doc.format == "notebook" else []
    code_like = ctx.rel_path.lower().endswith(CODE_LIKE_SUFFIXES)
    if code_like:  # in code a literal is quoted: a line without a quote holds none
        lines = [n for n in lines if _has_quote(ctx.line_text(n))]
    for line in lines:
        line_text = ctx.line_text(line)
        start = ctx.index.line_start(line)
        for match in _ASSIGN.finditer(line_text):
            key, op, quote, value = match.groups()
            if op == "==" or not (is_secret_key(key) or is_xenioo_key_name(key) or is_kore_secret(value)):
                continue
            if not is_secret_key(key) and is_kore_secret(value):  # `get("X", default="…")`, `X: str = "…"`
                key = key_before(line_text[:match.start(4)]) or key
            value = value.rstrip(".")
            if not quote and (code_like or _code_expression(value, line_text[match.end(4):match.end(4) + 1])):
                continue  # `key=default_sort_key`, `token = lexer.next()`: code, not a literal
            offset = start + match.start(4)
            location = ctx.location(offset, offset + len(value), ctx.pointer_at(line, match.start(4) + 1))
            add(Assignment(key=key, value=value, location=location, scope=f"line:{line}"))
    for line in lines:  # a quoted value bound by a call or pair (`headers.Add("AccountAPIKey", "…")`,
        line_text = ctx.line_text(line)  # `h["BotAPISecret"] = "…"`, `getenv("X", "…")`, `X || "…"`)
        if not ("'" in line_text or '"' in line_text or "`" in line_text):
            continue
        start = ctx.index.line_start(line)
        for match in _QUOTED.finditer(line_text):
            key = key_before(line_text[:match.start(2)])
            if key and (is_xenioo_key_name(key) or is_secret_key(key)):
                offset = start + match.start(2)
                add(Assignment(key=key, value=match.group(2), scope=f"line:{line}",
                               location=ctx.location(offset, offset + len(match.group(2)),
                                                     ctx.pointer_at(line, match.start(2) + 1))))
    if lines and ctx.rel_path.lower().endswith(_XML_SUFFIXES) and "</" in text:
        for line in lines:  # `<clientSecret>…</clientSecret>` in an XML, .config or .plist file
            line_text = ctx.line_text(line)
            start = ctx.index.line_start(line)
            for match in _XML_ELEMENT.finditer(line_text):
                key, value = match.group(2), match.group(3)
                if is_secret_key(key) or is_xenioo_key_name(key) or is_kore_secret(value):
                    offset = start + match.start(3)
                    add(Assignment(key=key, value=value, location=ctx.location(offset, offset + len(value)),
                                   scope=f"line:{line}"))
    if ctx.has("cs-") or ctx.has("secret") or ctx.has("apikey") or ctx.has("api_key"):
        for begin, finish in kore_secret_spans(text):
            value = text[begin:finish]
            if not is_kore_secret(value):
                continue
            line, column = ctx.index.position(begin)
            whole = ctx.line_text(line)
            prefix = whole[:column - 1]
            if re.search(r"sha(?:256|384|512)-$|base64,$", prefix) or ds.is_anti_forgery_line(whole):
                continue  # an SRI hash, a data URI, a CSRF token
            add(Assignment(key=key_before(prefix), value=value,
                           location=ctx.location(begin, finish, ctx.pointer_at(line, column)),
                           scope=f"line:{line}"))
    if ctx.has("://"):
        for match in url_query_matches(text):
            line, column = ctx.index.position(match.start())
            prefix = ctx.line_text(line)[:column - 1]
            if "://" not in prefix or re.search(r"\s", prefix[prefix.rfind("://"):]):
                continue
            offset = match.start(2)
            add(Assignment(key=match.group(1), value=match.group(2), scope="url-query",
                           location=ctx.location(offset, match.end(2), ctx.pointer_at(line, column))))
        for match in _URL_USERINFO.finditer(text):
            offset = match.start(2)
            line, column = ctx.index.position(offset)
            add(Assignment(key=match.group(1), value=match.group(2), scope="url-userinfo",
                           location=ctx.location(offset, match.end(2), ctx.pointer_at(line, column))))
    if "-----begin" in low:
        for match in _PEM.finditer(text):
            end = _PEM_END.search(text, match.end(), match.end() + 20000)
            if end is None:
                continue
            body = re.sub(r"\\[nr]|[\s\"',+]", "", text[match.end():end.start()])
            if len(body) < 64 or not re.fullmatch(r"[A-Za-z0-9+/=:\-]+", body):
                continue  # a documentation stub such as "-----BEGIN PRIVATE KEY-----\n...\n"
            label = match.group(1)
            scope = "public-key" if "PUBLIC" in label else "pem"
            value = text[match.start():end.end()]
            line, column = ctx.index.position(match.start())
            pointer = ctx.pointer_at(line, column)
            if pointer is None and doc is not None:
                pointer = ctx.value_pointer_at(line, column)  # a YAML block scalar's (`key: |`)
            add(Assignment(key=label, value=value, scope=scope,
                           location=ctx.location(match.start(), match.end(), pointer)))
    for key, decoded, start, end, _ in encoded:
        line, column = ctx.index.position(start)
        location = ctx.location(start, end, ctx.pointer_at(line, column))
        if (is_secret_key(key) or is_kore_secret(decoded)) and not decoded.startswith("eyJ"):
            add(Assignment(key=key, value=decoded, scope="/data", location=location))
    if _B64_PEM in text:
        for item in _encoded_pem_keys(ctx):
            out.append(item)  # also bound to a name at this place, which SEC002-SEC007 judge
    if ctx.has("kty"):
        if doc is not None and _has_jwk(doc.data):
            for item in _jwk_assignments(doc.data, doc.locate):
                add(item)
        for code_doc in ctx.code_documents:  # `PRIVATE_JWK = {…}`, `module.exports = {"kty": …}`
            if _has_jwk(code_doc.data):
                for item in _jwk_assignments(code_doc.data, code_doc.locate):
                    add(replace(item, location=replace(item.location, pointer=None)))
    return out


def _after_name(location: Location, skip: int, length: int) -> Location:
    """The place of the value inside a one-line `NAME=value` item written as parsed (no escapes)."""
    if location.line is None or location.column is None or location.end_line != location.line \
            or location.end_column != location.column + skip + length:
        return location
    return replace(location, column=location.column + skip)


_QUOTED = re.compile(r"""(["'`])([^"'`\s\\]{16,512})\1""")
_XML_SUFFIXES = (".xml", ".config", ".plist", ".xaml", ".resx", ".csproj", ".props", ".xib", ".storyboard")
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w.\-]{0,80}:)?([A-Za-z_][\w.\-]{0,80})\b[^<>]{0,200}>"
                          r"\s*([^<>\s]{6,4096})\s*</(?:[\w.\-]+:)?\2>")


def _jwk_assignments(data: Any, locate: Any) -> Iterator[Assignment]:
    """Each JWK of a document (the document itself may be the JWK: a lone `jwk.json`, not only a
    member of `keys`): private ones as "jwk-private", public ones as "public-key"."""
    import json

    for pointer, value in itertools.chain((("", data),), _walk(data, "", 0)):
        if isinstance(value, dict) and isinstance(value.get("kty"), str):
            private = [m for m in _JWK_PRIVATE if isinstance(value.get(m), str) and value.get(m)]
            if value.get("kty") == "oct" and isinstance(value.get("k"), str) and value.get("k"):
                private.append("k")
            serial = json.dumps(value, sort_keys=True, default=str)
            scope = "jwk-private" if private else "public-key"
            yield Assignment(key=",".join(private) or "jwk", value=serial, scope=scope,
                             location=locate(pointer))


# "-----BEGIN" base64-encoded from the start of a value (a Kubernetes Secret's `data:`)
_B64_PEM = "LS0tLS1CRUdJTi"
_B64_PEM_RUN = re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{16,200000}={0,2}")


def _kubernetes_secrets(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, object) of each Kubernetes Secret with a `data` map: the document itself, each
    document of a multi-document YAML (`kubectl get -o yaml`, Helm, kustomize output), each item of
    a `kind: List`."""
    if isinstance(data, list):  # several YAML documents
        for index, item in enumerate(data[:1000]):
            for pointer, secret in _kubernetes_secrets(item):
                yield f"/{index}{pointer}", secret
        return
    if not isinstance(data, dict):
        return
    if data.get("kind") == "Secret" and isinstance(data.get("data"), dict):
        yield "", data
    elif data.get("kind") == "List" and isinstance(data.get("items"), list):
        for index, item in enumerate(data["items"][:1000]):
            if isinstance(item, dict) and item.get("kind") == "Secret" and isinstance(item.get("data"), dict):
                yield f"/items/{index}", item


def _kubernetes_secret_data(ctx: _Context) -> list[tuple[str, str, int, int, tuple[Any, ...]]]:
    """(name, decoded text, start, end of the encoded value, its path) for each `data:` member of a
    Kubernetes Secret (`kind: Secret`, YAML or JSON), whose values are base64 by the API's rule:
    what they hold is judged as written, at the encoded value's place."""
    if ctx.secret_data is not None:
        return ctx.secret_data
    out: list[tuple[str, str, int, int]] = []
    doc = ctx.document
    for prefix, secret in _kubernetes_secrets(doc.data if doc is not None else None):
        for name, value in list(secret["data"].items())[:1000]:
            if not (isinstance(name, str) and isinstance(value, str) and 8 <= len(value) <= 65536):
                continue
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                continue
            span = doc.spans.get(pointer_join(f"{prefix}/data", name)) if doc is not None else None
            if span is None or span.line != span.end_line or not decoded.isprintable():
                continue  # a PEM (`tls.key`, several lines) is `_encoded_pem_keys`' to find
            start = ctx.index.line_start(span.line) + span.column - 1
            if ctx.text[start:start + len(value)] == value:
                parts = tuple(int(p) if p.isdigit() else p for p in prefix.split("/")[1:])
                out.append((name, decoded, start, start + len(value), (*parts, "data", name)))
    ctx.secret_data = out
    return out


def _encoded_pem_keys(ctx: _Context) -> Iterator[Assignment]:
    """PEM keys kept base64-encoded in a value, judged as the PEM they decode to and reported at
    the encoded value (its pointer in a structured file)."""
    text = ctx.text
    for match in _B64_PEM_RUN.finditer(text):
        encoded = match.group()
        try:
            decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("ascii")
        except (binascii.Error, ValueError):
            continue
        pem = _PEM.match(decoded)
        if pem is None:
            continue
        end = _PEM_END.search(decoded, pem.end())
        body = re.sub(r"\s", "", decoded[pem.end():end.start()]) if end is not None else ""
        if len(body) < 64 or not re.fullmatch(r"[A-Za-z0-9+/=:\-]+", body):
            continue
        label = pem.group(1)
        line, column = ctx.index.position(match.start())
        # the key as PEM (what SEC008 judges and SEC009 verifies with), at the encoded text's place
        yield Assignment(key=label, value=decoded[pem.start():end.end()] if end is not None else decoded,
                         scope="public-key" if "PUBLIC" in label else "pem",
                         location=ctx.location(match.start(), match.end(),
                                               ctx.value_pointer_at(line, column)))


# Trigger words from ordinary language: inside a base64 blob they are chance, not a name. (Literal
# prefixes such as "ghp_" or "t3blbkfj" are parts of the secret itself and always count.)
NATURAL_WORDS = frozenset({"key", "pass", "pwd", "pw", "secret", "token", "auth", "credential", "private",
                           "password", "passwd", "contrase", "apikey", "api_key", "api-key", "cl", "sl"})
_BLOB_STRING = "abcdefghijklmnopqrstuvwxyz0123456789+/"  # strip() by it empties a blob-only run


def in_blob(low: str, pos: int, length: int, reach: int = 12) -> bool:
    """True when a word found at `pos` sits inside a long run of base64 (an embedded image, a
    minified hash): letters and digits for `reach` characters on both sides."""
    before, after = low[max(0, pos - reach):pos], low[pos + length:pos + length + reach]
    return len(before) == reach == len(after) and not (before + after).strip(_BLOB_STRING)


CODE_LIKE_SUFFIXES = (*CODE_SUFFIXES, ".java", ".kt", ".go", ".rb", ".php", ".cs", ".c", ".cc", ".cpp", ".h",
                      ".hpp", ".rs", ".swift", ".scala", ".dart", ".lua", ".pl", ".groovy", ".vue", ".svelte")
_IDENTIFIER_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


# Plugins whose secrets are quoted string literals when they appear in source code.
QUOTED_IN_CODE = frozenset({"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString",
                            "CloudantDetector", "IbmCloudIamDetector", "IbmCosHmacDetector",
                            "SoftlayerDetector"})


def _has_quote(line: str) -> bool:
    return '"' in line or "'" in line or "`" in line


def _code_expression(value: str, after: str) -> bool:
    """An unquoted value that is a name, an attribute chain or a call, not a literal secret."""
    if after == "(":
        return True
    return bool(_IDENTIFIER_CHAIN.fullmatch(value)) and (
        "." in value or not any(c.isdigit() for c in value))


@lru_cache(maxsize=65536)
def _keyword_lines(ctx: _Context, low: str) -> list[int]:
    """Lines holding a secret-like name, found with substring searches on the lowercased text."""
    lines: set[int] = set()
    for word in KEYWORD_LINE_WORDS:
        lines |= ctx.word_lines(word)
    return sorted(lines)


def _candidate_lines(ctx: _Context, low: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """For each detect-secrets plugin, the lines where it should run (plugins with none omitted)."""
    index = ctx.index
    gated = ctx.gated
    code_like = ctx.rel_path.lower().endswith(CODE_LIKE_SUFFIXES)
    out: list[tuple[str, tuple[int, ...]]] = []
    present = ctx.present
    for spec in ds.PLUGINS:
        if spec.file_words:
            if spec.code not in gated:
                continue
            lines = {index.position(offset)[0] for offset in ds.regex_lines(spec.code, ctx.text)}
        else:
            words = [word for word in spec.words if word in present]
            if not words:
                continue
            lines = set(ctx.word_lines(words[0]))
            for word in words[1:]:
                lines |= ctx.word_lines(word)
            if spec.all_words and lines:
                lines = {n for n in lines if all(w in ctx.line_text(n).lower() for w in spec.all_words)}
            if code_like and spec.plugin in QUOTED_IN_CODE and lines:
                lines = {n for n in lines if _has_quote(ctx.line_text(n))}
        if lines:
            out.append((spec.code, tuple(sorted(lines))))
    return tuple(out)
