"""Stage ``unicode``: character-level repairs, each one an edit with its evidence.

Fixes, in the order they win when they touch the same characters:

* ``line-end``: CRLF and lone CR (and U+2028/U+2029, NEL) become ``\\n``.
* ``cyrillic-codepage``: a run of words that is Cyrillic text decoded with the
  wrong single-byte code page (``Peaáčëčňŕöč˙`` = cp1251 bytes read as
  cp1250). Every (source, target) code-page pair is tried; the best conversion
  is kept only if the result is plausible Russian/Cyrillic (mostly Cyrillic
  letters, vowel share of real text, no impossible letter sequences) *and*
  the original is implausible as Latin text (a high share of accented
  letters). Latin look-alike letters inside the converted words become
  Cyrillic in the same edit. Short runs are flagged, not changed.
* ``mojibake`` (ftfy): UTF-8 read as cp1252/latin-1 and similar, per token,
  with ftfy's own step names as evidence. Chosen ftfy options (see
  :data:`FTFY_CONFIG`): quotes stay curly (``uncurl_quotes=False``), dashes
  and ellipses are not touched (ftfy never does), line breaks and
  normalisation are ours (``fix_line_breaks=False``, ``normalization=None``),
  HTML entities only when the token looks like HTML (``"auto"``); ligatures
  (``ﬁ``) and full-width Latin are expanded, which OCR output wants.
* ``homoglyph``: Latin letters that look like Cyrillic ones (``P``, ``e``,
  ``o``, ...) inside a word that is otherwise Cyrillic.
* ``nbsp``: no-break spaces (U+00A0, U+202F, U+2007) become plain spaces.
* ``control``: C0/C1 control characters (except tab, newline and form feed,
  which later stages read) are removed.
* ``zero-width``: U+200B, U+2060, U+FEFF, soft hyphen U+00AD removed (a soft
  hyphen at the end of a token is a hyphenation point the hyphens stage reads); ZWJ and
  ZWNJ are removed only next to Latin/Greek/Cyrillic text (scripts from
  Hebrew on, and emoji, need them).
* ``nfc``: NFC normalisation.

``5Â°`` in a scanned book is ``5°`` after ftfy (the UTF-8 bytes of ``°`` read
as latin-1); the ``°`` itself is an OCR reading of a footnote digit (``50``),
which only the notes stage can judge from the note sequence, so this stage
repairs the mojibake and nothing more.

Work is linear: only stretches around non-ASCII or control characters are
examined (a C-level regex finds them), ftfy results are cached per token and
tokens longer than ``max_ftfy_token`` skip ftfy.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from functools import lru_cache
from typing import Any

import ftfy
from ftfy.badness import is_bad as ftfy_is_bad
from ftfy.chardata import LIGATURES as FTFY_LIGATURES
from ftfy.chardata import WIDTH_MAP as FTFY_WIDTH_MAP

from cleaners.document import Edit, Flag, StageResult

STAGE = "unicode"

DEFAULTS: dict[str, Any] = {
    "ftfy": True,
    "cyrillic_codepages": True,
    "homoglyphs": True,
    "nbsp": True,
    "controls": True,
    "nfc": True,
    "max_ftfy_token": 2000,
    "min_cyrillic_letters": 6,  # shorter runs (4+ letters) are flagged, never changed
}

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,
    fix_character_width=True,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)

# ---- resources --------------------------------------------------------------
# (= r"\r\n?|[\u2028\u2029\x85]", written to start with one class so the engine skips ahead)
LINE_END = re.compile(r"[\r\u2028\u2029\x85](?:(?<=\r)\n)?")
# A token (between spaces, tabs and line ends) holding a non-ASCII or control character;
# matching starts only at token starts,
# so a 1 MB ASCII "word" costs one linear scan.
INTERESTING_TOKEN = re.compile(r"(?<![^ \t\n\r\u2028\u2029\x85])[^ \t\n\r\u2028\u2029\x85]*?"
                               r"[^\t\n\r\x20-\x7e\u2028\u2029\x85][^ \t\n\r\u2028\u2029\x85]*")
# The same tokens found faster (see _tokens): the interesting character, then the token around it.
TOKEN_FROM_INTERESTING = re.compile(r"[^\t\n\r\x20-\x7e\u2028\u2029\x85][^ \t\n\r\u2028\u2029\x85]*")
TOKEN_SEPARATORS = " \t\n\r\u2028\u2029\x85"
NBSP = re.compile(r"[\u00a0\u202f\u2007]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")
# A soft hyphen ending a token (a line-end hyphenation point) is left to the hyphens stage.
ZERO_WIDTH = re.compile(r"[\u200b\u2060\ufeff]|\u00ad(?!\Z)")
JOINERS = re.compile(r"[\u200c\u200d]")
JOINER_SCRIPTS_FROM = 0x0590  # Hebrew and later scripts, and emoji, use ZWJ/ZWNJ
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CYR_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯіїєІЇЄ")
CYR_BAD_START = set("ьъыЬЪЫ")
CONSONANT_RUN = re.compile(r"[бвгджзйклмнпрстфхцчшщ]{6,}", re.IGNORECASE)
VOWEL_RUN = re.compile(r"[аеёиоуыэюя]{4,}", re.IGNORECASE)
SOFT_AFTER_VOWEL = re.compile(r"[аеёиоуыэюя][ьъ]", re.IGNORECASE)
# Latin letters that print like Cyrillic ones.
LATIN_TO_CYRILLIC = str.maketrans("AaBCcEeHKMOoPpTXxy", "АаВСсЕеНКМОоРрТХху")
LATIN_LOOKALIKES = set("AaBCcEeHKMOoPpTXxy")
# General word lists (wordfreq) that decide whether a repaired run is made of real words.
CYRILLIC_LANGUAGES = ("ru", "uk", "bg")
MIN_ZIPF = 1.5  # a word seen at least ~ once in 30 million words
MIN_KNOWN_SHARE = 0.6
# (misread as, really) code-page pairs: Cyrillic bytes shown through a Western/Central code page.
SOURCE_CODEPAGES = ("cp1250", "cp1252", "latin-1", "cp1257", "mac_roman")
TARGET_CODEPAGES = ("cp1251", "koi8-r", "iso8859-5", "cp866", "mac_cyrillic")
# What may stand between two tokens of one wrong-code-page run: spaces, punctuation,
# and short words made only of Latin look-alikes (Russian "а", "о", "с" stay ASCII), and C1
# controls: a code page's punctuation bytes read as Latin-1 (\x91 is cp1251's ‘), which the
# per-token mojibake fix would turn into that punctuation, making a run only the next pass sees.
RUN_GAP = re.compile(r"(?:[ \u00a0\u202f\u2007,.:;()\-\u2013\u2014\"'«»„“”‘’/\x80-\x9f]|(?<![^\W\d_])[AaBCcEeHKMOoPpTXxy]{1,2}(?![^\W\d_]))*")
MAX_RUN_GAP = 8
# Non-letters that a Western/Central code page shows for Cyrillic letter bytes (÷ = ч, ˙ = я).
CODEPAGE_SYMBOLS = "".join(sorted({
    ch for cp in ("cp1250", "cp1252", "latin-1", "cp1257", "mac_roman") for b in range(0xA0, 0x100)
    for ch in [bytes([b]).decode(cp, errors="ignore")]
    if ch and not ch.isalpha() and not ch.isspace() and ch.isprintable() and ch not in "\xad«»„“”‘’–—…•·°!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~"}))
INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\u2060\ufeff\u00ad]")
# A word as a wrong code page shows it: letters, those symbols, and invisible characters
# (removed anyway; counting them in keeps the stage idempotent).
CODEPAGE_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(CODEPAGE_SYMBOLS) + r"]|" + INVISIBLE.pattern + r")+")
MAX_RUN_CHARS = 5000
# Every character some per-token fix can act on without ftfy's mojibake heuristic
# saying so: ftfy's HTML entities ("&"), C1 controls, Latin ligatures, width forms,
# surrogates and terminal escapes, and our Cyrillic (homoglyphs), no-break spaces,
# controls, zero-width characters and joiners. A token without any of them, already
# NFC and not "bad" for ftfy's heuristic, comes back unchanged (see _may_change).
MAY_NEED_FIX = re.compile("[" + "".join(sorted({
    re.escape(chr(c)) for c in (*FTFY_LIGATURES, *FTFY_WIDTH_MAP)})) +
    r"&\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\u0400-\u04ff\u00a0\u202f\u2007"
    r"\u200b-\u200d\u2060\ufeff\u00ad]")
# A character that can give a word a non-zero latin_implausibility (a non-ASCII letter
# or a code-page symbol); \w is a superset of str.isalpha() here.
IMPLAUSIBLE_CHAR = re.compile(r"[^\W\x00-\x7f]|[" + re.escape(CODEPAGE_SYMBOLS) + r"]")


# ---- fix functions ------------------------------------------------------------
def fix_homoglyphs(word: str) -> str:
    """Latin look-alike letters inside a mostly Cyrillic word become Cyrillic.

    Only if every Latin letter of the word has a Cyrillic twin and at least
    half the letters are Cyrillic already.

    >>> fix_homoglyphs("Peaбилитация")
    'Реабилитация'
    >>> fix_homoglyphs("Moscow")
    'Moscow'
    >>> fix_homoglyphs("KGBшник")  # G has no Cyrillic twin: leave it
    'KGBшник'
    """
    letters = [c for c in word if c.isalpha()]
    cyr = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    latin = [c for c in letters if c.isascii()]
    if not latin or cyr < 2 or cyr * 2 < len(letters) or any(c not in LATIN_LOOKALIKES for c in latin):
        return word
    return word.translate(LATIN_TO_CYRILLIC)


def cyrillic_plausibility(text: str) -> dict[str, float]:
    """Score how much ``text`` looks like real Cyrillic-script prose.

    Returns the Cyrillic share of letters (Latin look-alikes inside Cyrillic
    words count as Cyrillic), the vowel share and the share of implausible
    words (impossible starts, long consonant or vowel runs).

    >>> s = cyrillic_plausibility("Восточная Европа в документах")
    >>> s["cyrillic"], s["bad_words"]
    (1.0, 0.0)
    """
    words = [fix_homoglyphs(w) for w in re.findall(r"[^\W\d_]+", text)]
    letters = sum(len(w) for w in words)
    cyr_letters = [c for w in words for c in w if "\u0400" <= c <= "\u04ff"]
    bad = 0
    for w in words:
        if w[0] in CYR_BAD_START or CONSONANT_RUN.search(w) or VOWEL_RUN.search(w) \
                or SOFT_AFTER_VOWEL.search(w) or (len(w) > 1 and w[1:] != w[1:].lower() and w != w.upper()):
            bad += 1
    vowels = sum(1 for c in cyr_letters if c in CYR_VOWELS)
    return {"cyrillic": len(cyr_letters) / letters if letters else 0.0,
            "vowels": vowels / len(cyr_letters) if cyr_letters else 0.0,
            "bad_words": bad / len(words) if words else 1.0,
            "letters": float(letters)}


def latin_implausibility(text: str) -> float:
    """Share of non-ASCII letters among the letters: real Latin-script text stays low.

    >>> round(latin_implausibility("Příliš žluťoučký kůň"), 2)
    0.5
    >>> round(latin_implausibility("áčëčňŕöč˙"), 2)
    1.0
    """
    letters = [c for c in text if c.isalpha() or c in CODEPAGE_SYMBOLS]
    return sum(1 for c in letters if not c.isascii()) / len(letters) if letters else 0.0


def repair_cyrillic_codepage(run: str) -> tuple[str, dict[str, Any]] | None:
    """Best (source, target) code-page round trip that turns ``run`` into plausible Cyrillic.

    >>> repair_cyrillic_codepage("Peaáčëčňŕöč˙: ęaę ýňo áűëo")[0]
    'Реабилитация: как это было'
    >>> repair_cyrillic_codepage("Příliš žluťoučký kůň úpěl ďábelské ódy") is None
    True
    """
    # Candidates in the order of the loops; the best has the highest key, the earliest on ties.
    cands: list[dict[str, Any]] = []
    for src in SOURCE_CODEPAGES:
        try:
            raw = run.encode(src)
        except UnicodeEncodeError:
            continue
        for dst in TARGET_CODEPAGES:
            try:
                out = raw.decode(dst)
            except UnicodeDecodeError:
                continue
            if out == run:
                continue
            score = cyrillic_plausibility(out)
            if score["cyrillic"] < 0.9 or not 0.3 <= score["vowels"] <= 0.6 or score["bad_words"] > 0.15:
                continue
            fixed = re.sub(r"[^\W\d_]+", lambda m: fix_homoglyphs(m.group()), out)
            cands.append({"fixed": fixed, "src": src, "dst": dst, "score": score,
                          "known": _KnownShare(fixed)})
    if not cands:
        return None
    if latin_implausibility(run) < 0.55:
        return None
    # Branch and bound on the known-word share (the first part of the key): the share is
    # settled word by word only for the candidate whose optimistic key leads, so the large
    # word lists (slow to load) are read only when a rival could still win with them.
    while True:
        order = {id(c): i for i, c in enumerate(cands)}
        lead = max(cands, key=lambda c: (_codepage_key(c, c["known"].upper), -order[id(c)]))
        if lead["known"].settled:
            break
        lead["known"].settle()
    known = lead["known"].upper
    score = lead["score"]
    return lead["fixed"], {"source": lead["src"], "target": lead["dst"], "known_words": round(known, 3),
                           **{k: round(v, 3) for k, v in score.items()}}


def _codepage_key(cand: dict[str, Any], known: float) -> tuple[float, float, int]:
    """The ranking of one code-page candidate: known words, plausibility, preferred target."""
    score = cand["score"]
    return (known, score["cyrillic"] - score["bad_words"], -TARGET_CODEPAGES.index(cand["dst"]))


class _KnownShare:
    """:func:`known_word_share` of one text, as an upper bound until settled.

    Words not looked up yet count as known in ``upper``; :meth:`settle` first
    asks the small word lists (:func:`_is_small_known`: a word they know is
    known), then the large lists for the rest. The share is computed as in
    :func:`known_word_share` (count / number of words), so a settled ``upper``
    is exactly that function's value.
    """

    def __init__(self, text: str):
        self.open = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 3]
        self.n = len(self.open)
        self.count = 0
        self.small_done = False

    @property
    def settled(self) -> bool:
        return not self.open

    @property
    def upper(self) -> float:
        return (self.count + len(self.open)) / self.n if self.n else 0.0

    def settle(self) -> None:
        if not self.small_done:
            self.small_done = True
            known = [w for w in self.open if _is_small_known(w)]
            self.count += len(known)
            self.open = [w for w in self.open if not _is_small_known(w)]
            return
        self.count += sum(1 for w in self.open if _is_known_word(w))
        self.open = []


@lru_cache(maxsize=65536)
def _word_zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # loaded only when a candidate run needs it

    return max(zipf_frequency(word, lang) for lang in CYRILLIC_LANGUAGES)


@lru_cache(maxsize=65536)
def _is_small_known(word: str) -> bool:
    """Does a small wordfreq list (Zipf >= ~3) of a Cyrillic language know ``word``?

    Every word of a small list has the same frequency in the large ("best")
    list, and the small lists stop at about Zipf 3 (above ``MIN_ZIPF``), so a
    word the small lists know is known (:func:`_is_known_word`) without loading
    the large lists, which takes about a second.
    """
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, lang, wordlist="small") >= MIN_ZIPF for lang in CYRILLIC_LANGUAGES)


@lru_cache(maxsize=65536)
def _is_known_word(word: str) -> bool:
    """``_word_zipf(word) >= MIN_ZIPF``, asking the small lists first (:func:`_is_small_known`)."""
    return _is_small_known(word) or _word_zipf(word) >= MIN_ZIPF


def known_word_share(text: str) -> float:
    """Share of the words of 3+ letters that a general word list of a Cyrillic language knows.

    >>> known_word_share("Восточная Европа в документах"), known_word_share("Оебб Вбвб")
    (1.0, 0.0)
    """
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 3]
    if not words:
        return 0.0
    return sum(1 for w in words if _is_known_word(w.lower())) / len(words)


@lru_cache(maxsize=65536)
def fix_token_mojibake(token: str) -> tuple[str, tuple[str, ...]]:
    """ftfy on one token with :data:`FTFY_CONFIG`; returns the text and ftfy's steps.

    >>> fix_token_mojibake("5Â°")
    ('5°', ('encode:latin-1', 'decode:utf-8'))
    >>> fix_token_mojibake("“quoted”")
    ('“quoted”', ())
    """
    res = ftfy.fix_and_explain(token, config=FTFY_CONFIG)
    if res.text == token:
        return token, ()
    return res.text, tuple(f"{a}:{b}" for a, b in (res.explanation or []))


def _remove_joiners(token: str) -> str:
    """Drop ZWJ/ZWNJ unless a neighbour belongs to a script that needs them.

    >>> _remove_joiners("ab\\u200dcd")
    'abcd'
    >>> _remove_joiners("\\u0645\\u200c\\u06cc") == "\\u0645\\u200c\\u06cc"
    True
    """
    def keep(m: re.Match[str]) -> str:
        i = m.start()
        near = token[max(0, i - 1):i] + token[i + 1:i + 2]
        return m.group() if any(ord(c) >= JOINER_SCRIPTS_FROM for c in near) else ""
    return JOINERS.sub(keep, token)


def _fix_token(token: str, opts: dict[str, Any]) -> tuple[str, list[str], dict[str, Any]]:
    """:func:`_fix_token_uncached` through a cache (tokens repeat a lot in real text)."""
    key = tuple(opts[k] for k in FIX_OPTIONS)
    fixed, reasons, evidence = _fix_token_cached(token, key)
    if fixed == token:  # nothing to copy: the caller drops unchanged tokens
        return fixed, [], {}
    return fixed, list(reasons), copy.deepcopy(evidence)


FIX_OPTIONS = ("ftfy", "homoglyphs", "nbsp", "controls", "nfc", "max_ftfy_token")


@lru_cache(maxsize=65536)
def _fix_token_cached(token: str, key: tuple[Any, ...]) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    fixed, reasons, evidence = _fix_token_uncached(token, dict(zip(FIX_OPTIONS, key)))
    return fixed, tuple(reasons), evidence


def _fix_token_uncached(token: str, opts: dict[str, Any]) -> tuple[str, list[str], dict[str, Any]]:
    """All per-token fixes, repeated until nothing changes; returns (text, reasons, evidence).

    Repeating makes the stage idempotent when one fix exposes another (a
    control character removed from the middle of a mojibake sequence).
    """
    if not _may_change(token, ftfy_runs=opts["ftfy"] and len(token) <= opts["max_ftfy_token"]):
        return token, [], {}
    reasons: list[str] = []
    evidence: dict[str, Any] = {}
    t = token
    for _ in range(4):
        fixed = _fix_token_once(t, opts, reasons, evidence)
        if " " in fixed:  # a no-break space became a space: the pieces are tokens now
            fixed = " ".join(_fix_token_once(p, opts, reasons, evidence) for p in fixed.split(" "))
        if fixed == t:
            break
        t = fixed
    return t, list(dict.fromkeys(reasons)), evidence


def _may_change(token: str, *, ftfy_runs: bool = True) -> bool:
    """Could any fix of :func:`_fix_token_once` change ``token``? (False: it cannot.)

    Without a :data:`MAY_NEED_FIX` character every fix but two is a no-op;
    ftfy's encoding repair starts only when its own ``is_bad`` heuristic fires,
    and ``nfc`` only on text that is not NFC. Most tokens (curly quotes,
    dashes, accented names) stop here instead of going through ftfy.

    >>> _may_change("“quoted”"), _may_change("café"), _may_change("5Â°"), _may_change("ﬁne")
    (False, False, True, True)
    """
    return bool(MAY_NEED_FIX.search(token)) or not unicodedata.is_normalized("NFC", token) \
        or (ftfy_runs and ftfy_is_bad(token))  # (ftfy skips long tokens: no heuristic to run then)


def _fix_token_once(token: str, opts: dict[str, Any], reasons: list[str],
                    evidence: dict[str, Any]) -> str:
    t = token
    if opts["ftfy"] and len(t) <= opts["max_ftfy_token"]:
        fixed, steps = fix_token_mojibake(t)
        if fixed != t:
            t = fixed
            reasons.append("mojibake")
            evidence.setdefault("ftfy", []).extend(steps)
    if opts["homoglyphs"] and CYRILLIC.search(t):
        fixed = re.sub(r"[^\W\d_]+", lambda m: fix_homoglyphs(m.group()), t)
        if fixed != t:
            evidence["latin_letters"] = sorted({c for c, d in zip(t, fixed) if c != d})
            t = fixed
            reasons.append("homoglyph")
    for name, pattern, repl in (("nbsp", NBSP, " "), ("control", CONTROL, ""),
                                ("zero-width", ZERO_WIDTH, "")):
        key = "controls" if name in ("control", "zero-width") else name
        if opts[key]:
            fixed = pattern.sub(repl, t)
            if fixed != t:
                evidence.setdefault("removed" if repl == "" else "replaced", []).extend(
                    sorted({f"U+{ord(c):04X}" for c in pattern.findall(t)}))
                t = fixed
                reasons.append(name)
    if opts["controls"] and JOINERS.search(t):
        fixed = _remove_joiners(t)
        if fixed != t:
            t = fixed
            reasons.append("zero-width")
    if opts["nfc"] and not unicodedata.is_normalized("NFC", t):
        t = unicodedata.normalize("NFC", t)
        reasons.append("nfc")
    return t


def _trimmed_edit(text: str, start: int, end: int, after: str, **kw: Any) -> Edit:
    """An edit for ``text[start:end] -> after`` with the common prefix and suffix left out."""
    before = text[start:end]
    p = 0
    n = min(len(before), len(after))
    while p < n and before[p] == after[p]:
        p += 1
    s = 0
    while s < n - p and before[len(before) - 1 - s] == after[len(after) - 1 - s]:
        s += 1
    return Edit.at(text, start + p, end - s, after[p:len(after) - s], stage=STAGE, **kw)


# ---- the stage --------------------------------------------------------------
def _tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-delimited tokens that hold a non-ASCII or control character.

    >>> _tokens("plain café “quoted” text")
    [(6, 10), (11, 19)]
    """
    # Same spans as INTERESTING_TOKEN.finditer(text), without trying a match at
    # every token start: TOKEN_FROM_INTERESTING finds the first interesting character
    # of a token and runs to the token's end (it starts with one class, so the engine
    # skips ahead); the token's start is found back from there.
    spans: list[tuple[int, int]] = []
    separators = [c for c in TOKEN_SEPARATORS if c in text]
    end = 0
    for m in TOKEN_FROM_INTERESTING.finditer(text):
        i, e = m.span()
        if i == 0 or text[i - 1] in TOKEN_SEPARATORS:
            start = i
        else:  # the previous token ended at a separator (or this is the first token)
            start = max([text.rfind(c, end, i) for c in separators], default=-1) + 1
        spans.append((start, e))
        end = e
    return spans


def _runs(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group neighbouring tokens (only spaces, punctuation, look-alike letters between)."""
    runs: list[list[int]] = []
    for a, b in tokens:
        if runs and a - runs[-1][1] <= MAX_RUN_GAP and RUN_GAP.fullmatch(text, runs[-1][1], a):
            runs[-1][1] = b
        else:
            runs.append([a, b])
    return [(a, b) for a, b in runs]


def _cyrillic_runs(text: str, tokens: list[tuple[int, int]],
                   opts: dict[str, Any]) -> tuple[list[Edit], list[Flag]]:
    """Runs of tokens that are Cyrillic read through a wrong code page: edits, or flags if short."""
    edits: list[Edit] = []
    flags: list[Flag] = []
    for ra, rb in _runs(text, tokens):
        if not IMPLAUSIBLE_CHAR.search(text, ra, rb):
            continue  # every word's latin_implausibility is 0: no word run, nothing to repair
        for a, b in _implausible_word_runs(text, ra, rb):
            edit_or_flag = _repair_run(text, a, b, opts)
            if isinstance(edit_or_flag, Edit):
                edits.append(edit_or_flag)
            elif edit_or_flag is not None:
                flags.append(edit_or_flag)
    return edits, flags


def _implausible_word_runs(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Within ``text[a:b]``, runs of words with many non-ASCII letters, joined by small gaps."""
    runs: list[list[int]] = []
    for m in CODEPAGE_WORD.finditer(text, a, b):
        if latin_implausibility(m.group()) < 0.3:
            continue
        if runs and m.start() - runs[-1][1] <= MAX_RUN_GAP and RUN_GAP.fullmatch(text, runs[-1][1], m.start()):
            runs[-1][1] = m.end()
        else:
            runs.append([m.start(), m.end()])
    return [(x, y) for x, y in runs]


def _repair_run(text: str, a: int, b: int, opts: dict[str, Any]) -> Edit | Flag | None:
    """The code-page repair of one run: an edit, a flag when the run is short, or None."""
    run_text = NBSP.sub(" ", INVISIBLE.sub("", text[a:b]))
    if len(run_text) < 2 or b - a > MAX_RUN_CHARS or latin_implausibility(run_text) < 0.55:
        return None
    got = repair_cyrillic_codepage(run_text)
    if got is None:
        return None
    fixed, ev = got
    if ev["letters"] < opts["min_cyrillic_letters"] or ev["known_words"] < MIN_KNOWN_SHARE:
        if ev["letters"] >= 4:  # a lone accented letter ("à") is no evidence either way
            return Flag(STAGE, a, b, text[a:b], "cyrillic-codepage?",
                        candidates=[{"text": fixed, **ev}], confidence=0.5)
        return None
    return Edit.at(text, a, b, fixed, stage=STAGE, reason="cyrillic-codepage",
                   confidence=0.95, evidence=ev)


def _outside(taken: list[tuple[int, int]], ti: int, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` that no span of ``taken`` (sorted, disjoint) covers,
    from ``taken[ti]``, the first span ending after ``start``.

    >>> _outside([(0, 7), (12, 14)], 0, 4, 16)
    [(7, 12), (14, 16)]
    """
    out = []
    pos = start
    for a, b in taken[ti:]:
        if a >= end:
            break
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        out.append((pos, end))
    return out


def run(text: str, ctx: Any) -> StageResult:
    opts = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    edits: list[Edit] = []
    flags: list[Flag] = []
    stats: dict[str, int] = {}
    for m in LINE_END.finditer(text):
        edits.append(Edit.at(text, m.start(), m.end(), "\n", stage=STAGE, reason="line-end",
                             evidence={"was": [f"U+{ord(c):04X}" for c in m.group()]}))
    tokens = _tokens(text)
    taken: list[tuple[int, int]] = []
    if opts["cyrillic_codepages"]:
        cyr_edits, flags = _cyrillic_runs(text, tokens, opts)
        edits.extend(cyr_edits)
        taken = sorted((e.start, e.end) for e in cyr_edits)
    ti = 0
    key = tuple(opts[k] for k in FIX_OPTIONS)
    fix_cached = _fix_token_cached
    for start, end in tokens:
        pieces: Any = ((start, end),)
        if taken:
            while ti < len(taken) and taken[ti][1] <= start:
                ti += 1
            if ti < len(taken) and taken[ti][0] < end:
                # a code-page repair covers part of the token: its other parts are fixed
                # on their own ("0\x08" after a run), so the output is a fixed point
                pieces = _outside(taken, ti, start, end)
        for a, b in pieces:
            token = text[a:b]
            if fix_cached(token, key)[0] == token:  # most tokens: nothing to do, nothing to copy
                continue
            fixed, reasons, evidence = _fix_token(token, opts)
            for r in reasons:
                stats[r] = stats.get(r, 0) + 1
            edits.append(_trimmed_edit(text, a, b, fixed, reason=reasons[0],
                                       confidence=0.99 if reasons[0] != "homoglyph" else 0.9,
                                       evidence={"steps": reasons, **evidence}))
    for e in edits:
        if e.reason in ("line-end", "cyrillic-codepage"):
            stats[e.reason] = stats.get(e.reason, 0) + 1
    return StageResult(edits=edits, flags=flags, stats=stats)
