"""Stage ``boilerplate``: web-page remnants, removed as whole lines with a reason.

Runs on the raw line structure (before reflow). A line is removed only when
*all* of it is page furniture of a web site, never because it mentions a word:

* ``share-buttons``: a short line ``Share on <channel>`` / ``Share this`` /
  ``Tweet`` / ``Pin it`` ... (the channel a known network, or the line part of
  a run of such lines);
* ``newsletter``: a short line made of newsletter vocabulary
  (``Subscribe to our newsletter``, ``Newsletter signup``);
* ``loading``: ``Loading...`` in one of many languages, with its ellipsis;
* ``last-updated``: ``Last updated on: <date>`` (also modified/revised/edited,
  or ``Updated: <date>``/``Posted on: <date>``);
* ``repeated-nav``: one navigation word repeated (``return return return``) or
  a menu (``Home | About | Contact``);
* ``ui-block``: a line made only of web-interface words (``Most recent``,
  ``Like it ? Share it !``) counts as boilerplate only when it touches another
  boilerplate line (blank lines between them allowed): alone it is kept.

A line is considered only if it has at most ``max_words`` words, so a real
paragraph that talks about sharing, loading or newsletters always survives.
The removed line and its line break are one delete edit; the whitespace stage
tidies the blank lines left behind.
"""

from __future__ import annotations

import re
from typing import Any

from cleaners.document import Edit, StageResult

STAGE = "boilerplate"

DEFAULTS: dict[str, Any] = {
    "max_words": 8,
    "min_repeats": 3,
}

# ---- resources --------------------------------------------------------------
CHANNELS = {
    "facebook", "twitter", "x", "linkedin", "pocket", "email", "e-mail", "mail", "whatsapp",
    "reddit", "telegram", "pinterest", "tumblr", "vk", "vkontakte", "mastodon", "threads",
    "bluesky", "messenger", "print", "flipboard", "xing", "weibo", "wechat", "line", "viber",
    "skype", "digg", "delicious", "stumbleupon", "evernote", "instapaper", "copy", "link",
}
# Words that make up web interface lines (English, the lingua franca of templates).
UI_WORDS = CHANNELS | {
    "share", "shares", "sharing", "like", "likes", "tweet", "pin", "follow", "subscribe",
    "unsubscribe", "newsletter", "newsletters", "signup", "sign", "up", "login", "log", "in",
    "out", "register", "menu", "home", "search", "next", "previous", "prev", "back", "top",
    "return", "more", "read", "comments", "comment", "reply", "related", "posts", "post",
    "articles", "article", "stories", "story", "recent", "most", "popular", "latest", "tags",
    "tag", "categories", "category", "archive", "archives", "about", "contact", "us",
    "privacy", "policy", "cookies", "cookie", "terms", "skip", "to", "content", "main",
    "navigation", "toggle", "close", "open", "loading", "on", "it", "this", "our", "via",
    "the", "for", "and", "your", "page", "get", "news", "updates", "now", "here", "click",
    "join", "free", "inbox", "leave", "a", "with", "friends", "friend", "save", "bookmark",
    "buttons", "button", "views", "view", "all", "donate", "support", "advertisement",
    "sponsored", "accept", "settings", "consent", "website", "uses", "we", "use",
}
# "Share" buttons in other languages, and the little words that go with them.
SHARE_WORDS_OTHER = {"поделиться", "поширити", "partager", "teilen", "compartir", "condividi",
                     "udostępnij", "sdílet", "dela", "delen", "partilhar", "paylaş"}
SHARE_CONNECTORS = {"sur", "auf", "en", "su", "na", "в", "op", "no", "em", "på", "w"}
UI_WORDS |= SHARE_WORDS_OTHER | SHARE_CONNECTORS
STRONG_WORDS = CHANNELS - {"print", "copy", "link", "line", "mail"} | SHARE_WORDS_OTHER | {
    "share", "tweet", "subscribe", "unsubscribe", "newsletter", "signup", "login",
    "cookies", "navigation",
}
LOADING_WORDS = (
    "loading", "загрузка", "завантаження", "зареждане", "chargement", "chargement en cours",
    "laden", "wird geladen", "lädt", "cargando", "carregando", "caricamento",
    "caricamento in corso", "ładowanie", "načítání", "načítava sa", "betöltés", "yükleniyor",
    "učitavanje", "se încarcă", "laddar", "indlæser", "lataa", "φόρτωση", "加载中", "載入中",
    "読み込み中", "로딩 중", "جار التحميل", "טוען",
)
LOADING_LINE = re.compile(
    r"\s*(?:" + "|".join(re.escape(w) for w in sorted(LOADING_WORDS, key=len, reverse=True))
    + r")\s*(?:\.{2,}|…)\s*", re.IGNORECASE)
MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DATE = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS},?\s+\d{{4}}|{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
        r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})")
LAST_UPDATED_LINE = re.compile(
    rf"\s*(?:Last\s+(?:updated|modified|revised|edited)(?:\s+(?:on|at))?\s*:?"
    rf"|(?:Updated|Modified|Posted|Published)(?:\s+on)?\s*:)\s*{DATE}"
    r"(?:\s*,?\s*(?:at\s+)?\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?\s*", re.IGNORECASE)
SHARE_LINE = re.compile(r"\s*(?:share|post|send|pin|email)\s+(?:it\s+|this\s+)?(?:on|via|to|with)\s+([\w-]+)\s*[.!:]?\s*",
                        re.IGNORECASE)
UI_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[!?:|•·/»›>\-–—.,()\[\]]+|\d+")
NAV_SEPARATOR = re.compile(r"[|•·/»›>]")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Which lines can classify_line give a reason at all? Only a line with "..", "…", a digit
# or a menu separator (loading, last-updated, menus), one whose first word is an
# interface word (ui-block, menus of one repeated word) or one that starts like a share
# line. These are found over the whole text, without a Python step for every line.
# ("_" too: then NON_WORD_CHARS below, without digits and "_", is all that can stand
# before the first word of the other lines; one class, so the engine can skip ahead)
SPECIAL_CHAR = re.compile(r"[\d|•·/»›>…_]")
NON_WORD_CHARS = r"[^\w\n]*"


def _word_trie(words: set[str]) -> str:
    """A regex for exactly ``words``, as a trie (the engine tries few alternatives).

    >>> _word_trie({"in", "inbox", "it"})
    'i(?:n(?:box)?|t)'
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")
    return emit(trie)


# A line whose first two words are interface words (case-insensitively: every character
# whose lower() is a letter of these words matches it under re.IGNORECASE, checked in
# the tests), or whose only word is one: ui-block lines have only interface words, a
# one-word menu repeats its first word. A superset, decided by classify_line.
UI_WORD_RE = r"(?i:" + _word_trie(UI_WORDS) + r")(?![^\W\d_]|-[^\W\d_])"
FIRST_WORDS = re.compile(r"\n(?=" + NON_WORD_CHARS + UI_WORD_RE + NON_WORD_CHARS
                         + r"(?:" + UI_WORD_RE + r"|(?=\n|\Z|[\d_])))")
SHARE_START = re.compile(r"\n(?=[^\S\n]*(?:share|post|send|pin|email)\s)", re.IGNORECASE)


# ---- line classifiers ---------------------------------------------------------
def _words(line: str) -> list[str]:
    return [w.lower() for w in WORD.findall(line)]


def is_loading_line(line: str) -> bool:
    """A lone ``Loading...`` in any of several languages.

    >>> is_loading_line("Загрузка..."), is_loading_line("Loading…")
    (True, True)
    >>> is_loading_line("Loading the wagons took all day...")
    False
    """
    return LOADING_LINE.fullmatch(line) is not None


def is_last_updated_line(line: str) -> bool:
    """``Last updated on: 7 September 2009`` and its family.

    >>> is_last_updated_line("Last updated on: 7 September 2009")
    True
    >>> is_last_updated_line("published on 7 November 1917 and read aloud")
    False
    """
    return LAST_UPDATED_LINE.fullmatch(line) is not None


def is_share_line(line: str) -> tuple[bool, bool]:
    """(matches ``Share on <x>``, x is a known channel).

    >>> is_share_line("Share on facebook")
    (True, True)
    >>> is_share_line("Share on equal terms with the workers")
    (False, False)
    """
    m = SHARE_LINE.fullmatch(line)
    if not m:
        return False, False
    return True, m.group(1).lower() in CHANNELS


def repeated_nav(line: str, *, min_repeats: int = 3) -> bool:
    """One interface word repeated (``return return return``) or a menu line.

    >>> repeated_nav("return return return return return")
    True
    >>> repeated_nav("Home | About | Contact")
    True
    >>> repeated_nav("ha ha ha ha")  # not an interface word
    False
    >>> repeated_nav("No, no, no, no!")
    False
    """
    tokens = line.split()
    if len(tokens) >= min_repeats:
        first = tokens[0].lower()  # the cheap test first: most lines fail it
        if first in UI_WORDS and all(t.lower() == first for t in tokens):
            return True
    if NAV_SEPARATOR.search(line):
        items = [p.strip() for p in NAV_SEPARATOR.split(line) if p.strip()]
        return len(items) >= 3 and all(w in UI_WORDS for p in items for w in _words(p)) \
            and all(_words(p) for p in items)
    return False


def ui_line_strength(line: str, *, max_words: int = 8) -> str:
    """``"strong"`` / ``"weak"`` if the line is made only of interface words, else ``""``.

    >>> ui_line_strength("Like it ? Share it !"), ui_line_strength("Most recent")
    ('strong', 'weak')
    >>> ui_line_strength("We must share it with the workers of the world.")
    ''
    """
    first = WORD.search(line)  # a line whose first word is not an interface word is not one
    if first is None or first.group().lower() not in UI_WORDS:
        return ""
    words = _words(line)
    if len(words) > max_words:
        return ""
    rest = UI_TOKEN.sub("", line).strip()
    if rest or line.rstrip().endswith((".", ",", ";")) or any(w not in UI_WORDS for w in words):
        return ""
    return "strong" if any(w in STRONG_WORDS for w in words) else "weak"


def classify_line(line: str, *, max_words: int = 8, min_repeats: int = 3) -> tuple[str, str]:
    """(reason, strength) for one line; strength ``"strong"``, ``"weak"`` or ``""``.

    >>> classify_line("Newsletter signup")
    ('newsletter', 'strong')
    >>> classify_line("Subscribe to our newsletter")
    ('newsletter', 'strong')
    >>> classify_line("He refused to subscribe to the newspaper for ten years.")
    ('', '')
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 120:
        return "", ""
    if is_loading_line(stripped):
        return "loading", "strong"
    if is_last_updated_line(stripped):
        return "last-updated", "strong"
    if repeated_nav(stripped, min_repeats=min_repeats):
        return "repeated-nav", "strong"
    share, known = is_share_line(stripped)
    if share:
        return "share-buttons", "strong" if known else "weak"
    strength = ui_line_strength(stripped, max_words=max_words)
    if not strength:
        return "", ""
    words = set(_words(stripped))
    if words & {"newsletter", "newsletters", "subscribe", "unsubscribe", "signup"}:
        return "newsletter", strength
    if words & ({"share", "shares", "sharing", "tweet", "pin"} | CHANNELS | SHARE_WORDS_OTHER):
        return "share-buttons", strength
    return "ui-block", strength


# ---- the stage --------------------------------------------------------------
def _candidate_line_starts(text: str) -> list[int]:
    """Starts of the lines that may be boilerplate (see FIRST_WORD_CANDIDATE), in order.

    >>> t = "Text of a book\\nShare on facebook\\nMore text, page 12\\n"
    >>> [t[i:t.find(chr(10), i)] for i in _candidate_line_starts(t)]
    ['Text of a book', 'Share on facebook', 'More text, page 12']
    """
    starts = {0} if text else set()  # the first line has no "\n" before it: always tried
    starts.update(m.end() for m in FIRST_WORDS.finditer(text))
    starts.update(m.end() for m in SHARE_START.finditer(text))
    pos = 0
    while True:  # one hit per line is enough: go on at the next line
        m = SPECIAL_CHAR.search(text, pos)
        if m is None:
            break
        starts.add(text.rfind("\n", 0, m.start()) + 1)
        pos = text.find("\n", m.start())
        if pos == -1:
            break
    pos = text.find("..")
    while pos != -1:
        starts.add(text.rfind("\n", 0, pos) + 1)
        nl = text.find("\n", pos)
        pos = -1 if nl == -1 else text.find("..", nl)
    return sorted(a for a in starts if a < len(text))


def run(text: str, ctx: Any) -> StageResult:
    opts = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    # Only lines with a reason matter: every other line is "" (see _candidate_line_starts).
    lines: list[tuple[int, int, str, str]] = []  # start, end (incl. \n), reason, strength
    n = len(text)
    for pos in _candidate_line_starts(text):
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl + 1
        line = text[pos:end].rstrip("\n")
        if len(line) <= 200:
            reason, strength = classify_line(line, max_words=opts["max_words"],
                                             min_repeats=opts["min_repeats"])
            if reason:
                lines.append((pos, end, reason, strength))
    # Clusters of candidate lines (blank lines may separate them): weak lines
    # go only with a strong one in the same cluster.
    edits: list[Edit] = []
    stats: dict[str, int] = {}
    cluster: list[int] = []

    def close() -> None:
        if any(lines[i][3] == "strong" for i in cluster):
            for k, i in enumerate(cluster):
                a, b, reason, strength = lines[i]
                if k + 1 < len(cluster):  # blank lines inside the block go with it
                    b = lines[cluster[k + 1]][0]
                edits.append(Edit.at(text, a, b, "", stage=STAGE, reason=reason,
                                     confidence=0.97 if strength == "strong" else 0.85,
                                     evidence={"line": text[a:b].strip(), "strength": strength,
                                               "cluster_size": len(cluster)}))
                stats[reason] = stats.get(reason, 0) + 1
        cluster.clear()

    prev_end = 0
    for i, (a, b, reason, strength) in enumerate(lines):
        if text[prev_end:a].strip():  # a line that is neither boilerplate nor blank between
            close()
        cluster.append(i)
        prev_end = b
    close()
    return StageResult(edits=edits, stats=stats)
