"""Reading descriptions: the lark parser, its errors in our format, and imports.

`load(path, diags)` reads the main file and everything it imports (each once, paths
relative to the importing file) into one `Spec`. A syntax error stops only its own file;
the caller decides what to do when `diags.errors` is not empty.
"""

import functools
import os
from pathlib import Path

import lark

from . import builder
from .diag import Loc, Stop
from .model import Spec

GRAMMAR = Path(__file__).resolve().parents[1] / "system.lark"

# How a terminal reads in "expected ..." when it is not a fixed string.
TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "ARROW": "an arrow ('->' or '<->')",
    "$END": "the end of the file",
}


@functools.lru_cache(maxsize=1)
def parser():
    """The LALR parser, built once per process (building it takes ~50 ms)."""
    return lark.Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="basic",
                     propagate_positions=True, maybe_placeholders=True)


def parse_text(text, shown, diags):
    """The lark tree of one file; on a syntax error, record it and raise Stop."""
    diags.sources[shown] = text
    try:
        return parser().parse(text)
    except lark.exceptions.UnexpectedInput as err:
        loc, message, hint = describe_syntax_error(err, text, shown)
        diags.error(loc, message, hint)
        raise Stop() from None


def describe_syntax_error(err, text, shown):
    """(Loc, message, hint) of a lark error, in words rather than terminal names."""
    if isinstance(err, lark.exceptions.UnexpectedCharacters):
        loc = Loc(shown, err.line, err.column)
        char = text[err.pos_in_stream]
        if char == '"':
            return loc, "unterminated string", "a string ends on the line it starts on"
        if text.startswith("/*", err.pos_in_stream):
            return loc, "unterminated comment", "close it with '*/'"
        return loc, f"unexpected character '{char}'", expected_hint(err.allowed)
    if isinstance(err, lark.exceptions.UnexpectedEOF) or err.token.type == "$END":
        loc = end_loc(text, shown)
        expected = getattr(err, "expected", None) or []
        return loc, "unexpected end of file; expected " + words(expected), None
    token = err.token
    loc = Loc(shown, token.line, token.column)
    expected = sorted(err.expected)
    if expected == ["SEMICOLON"]:
        return loc, f"expected ';' before {token_words(token)}", None
    hint = None
    if "NAME" in expected and token.type not in TERMINAL_WORDS and str(token).isidentifier():
        hint = f"'{token}' is a reserved word; choose another name"
    return loc, f"unexpected {token_words(token)}; expected {words(expected)}", hint


def token_words(token):
    if token.type == "STRING":
        return f"string {token}"
    return f"'{token}'"


def words(names):
    """A set of terminal names as a reader would say them: "';', '}' or a name"."""
    terminals = {t.name: t for t in parser().terminals}
    said = []
    for name in names:
        if name in TERMINAL_WORDS:
            said.append(TERMINAL_WORDS[name])
        elif name in terminals and terminals[name].pattern.type == "str":
            said.append(f"'{terminals[name].pattern.value}'")
        else:
            said.append(name.lower())
    said = sorted(set(said), key=lambda w: (not w.startswith("'"), w))
    if len(said) == 1:
        return said[0]
    return ", ".join(said[:-1]) + " or " + said[-1]


def expected_hint(allowed):
    return f"expected {words(sorted(allowed))} here" if allowed else None


def end_loc(text, shown):
    """Just after the last thing in the file, where the missing part belongs."""
    stripped = text.rstrip()
    lines = stripped.splitlines() or [""]
    return Loc(shown, len(lines), len(lines[-1]) + 1)


def load(path, diags, shown=None):
    """The Spec of the description in `path` and its imports; OSError if `path` itself
    cannot be read (the caller has a better way to say so than a source location)."""
    shown = shown or os.path.normpath(str(path))
    text = Path(path).read_text(encoding="utf-8")
    spec = Spec(root=shown)
    Loader(spec, diags).load_file(Path(path), shown, text, [])
    return spec


class Loader:
    def __init__(self, spec, diags):
        self.spec = spec
        self.diags = diags
        self.done = set()  # real paths already loaded: a shared import loads once

    def load_file(self, path, shown, text, stack):
        real = os.path.realpath(path)
        self.done.add(real)
        try:
            tree = parse_text(text, shown, self.diags)
            decls = builder.build_file(tree, shown, self.diags)
        except Stop:
            self.spec.files.append(shown)
            self.spec.complete = False
            return
        chain = stack + [(real, shown)]
        for rel, loc in decls.imports:
            self.load_import(path, shown, rel, loc, chain)
        # Imports come first in `files`, so "declared twice" points at the later file.
        self.spec.files.append(shown)
        decls.add_to(self.spec)

    def load_import(self, importer, importer_shown, rel, loc, chain):
        target = importer.parent / rel
        real = os.path.realpath(target)
        shown = os.path.normpath(os.path.join(os.path.dirname(importer_shown), rel))
        if real in (r for r, _ in chain):
            start = next(i for i, (r, _) in enumerate(chain) if r == real)
            cycle = " -> ".join([s for _, s in chain[start:]] + [shown])
            self.diags.error(loc, f"import cycle: {cycle}",
                             "move what both files need into a third file they both import")
            self.spec.complete = False
            return
        if real in self.done:
            return
        if not target.is_file():
            self.diags.error(loc, f"cannot import \"{rel}\": no such file",
                             f"imports are relative to the importing file: {shown}")
            self.spec.complete = False
            return
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            self.diags.error(loc, f"cannot import \"{rel}\": {getattr(err, 'strerror', err)}")
            self.spec.complete = False
            return
        self.load_file(target, shown, text, chain)
