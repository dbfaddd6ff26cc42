"""bytes -> str, with the encoding and every fallback recorded.

Decisions (what is decoded, what is refused, and why)
-----------------------------------------------------
* **BOM first.** A UTF-32 or UTF-16 byte-order mark (either endianness) or a
  UTF-8 BOM decides the encoding; the BOM itself is dropped and ``bom=True``.
  UTF-32 marks are tested before UTF-16 because ``FF FE 00 00`` starts both.
* **UTF-16/32 without a BOM** is recognised by its NUL-byte pattern: in mostly
  Latin text every other byte (or three of four) is NUL, at the odd positions
  for little-endian and the even ones for big-endian. Recorded as a fallback
  reason, because it is an inference.
* **Binary data is refused** (:class:`RefusedInput`, ``kind="binary"``): a
  known file signature (PNG, JPEG, GIF, PDF, ZIP/DOCX, GZIP, ...), or, once
  UTF-16/32 are ruled out, any NUL byte in more than 0.1% of the bytes, or more
  than 1% control bytes (C0 controls other than tab, line feed, carriage return
  and form feed, and DEL). Such data is not text; "cleaning" it would only
  produce garbage that looks like a document.
* **Empty and whitespace-only input is refused** (``kind="empty"``): there is
  nothing to clean, and a clean corpus should not contain empty documents
  silently. The caller reports it and goes on with the other documents.
* **UTF-8** is the normal case (strict decoding).
* **Mostly UTF-8 with a few invalid bytes** (a file edited with two editors):
  valid sequences are decoded as UTF-8, each invalid byte as cp1252 (latin-1
  for the five bytes cp1252 leaves undefined); the count and the first
  positions go into ``fallback`` and ``warnings``.
* **Not UTF-8 at all**: a single-byte code page. cp1251 (Cyrillic) is chosen
  when the high bytes mostly come in runs (whole words of high bytes, as in
  Russian), otherwise cp1252 (Western European: isolated accented letters in
  ASCII words); latin-1 when the data uses a byte cp1252 leaves undefined.
  Never silent: ``fallback`` says which and why.

Everything here is linear in the input size (C-level ``count``/``translate``
and one decode), so a 50 MB single-line file is fine.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

# Signatures of common binary formats someone might rename to .txt.
BINARY_SIGNATURES: dict[bytes, str] = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive (or DOCX/ODT/EPUB)",
    b"\x1f\x8b": "GZIP archive",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"\x7fELF": "ELF executable",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "legacy MS Office document",
    b"RIFF": "RIFF media file",
}

BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Control bytes that do occur in real text files.
TEXT_CONTROLS = b"\t\n\r\x0c"
CONTROL_BYTES = bytes(b for b in range(32) if b not in TEXT_CONTROLS) + b"\x7f"
HIGH_BYTES = bytes(range(0x80, 0x100))
LOW_BYTES = bytes(range(0x80))
CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
HIGH_RUN = re.compile(rb"[\xc0-\xff]{3,}")
WHITESPACE_BYTES = b" \t\n\r\x0b\x0c"

MAX_NUL_SHARE = 0.001
MAX_CONTROL_SHARE = 0.01
# a short text with a few terminal escapes or a bell is still text: the share
# rule alone would refuse it, so binary also needs this many control bytes
MIN_CONTROL_BYTES = 16
UTF16_NUL_SHARE = 0.3  # share of NULs at one parity that marks UTF-16
SAMPLE = 1 << 16
FALLBACK_POSITIONS = 10


class RefusedInput(ValueError):
    """The bytes are not a text document this tool can clean.

    ``kind`` is ``"binary"`` or ``"empty"``; the message says what was seen and
    what to do. Callers catch it, report it and go on with other documents.
    """

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass
class Decoded:
    text: str
    encoding: str
    fallback: str | None = None  # why the first choice (strict UTF-8) was not used
    warnings: list[str] = field(default_factory=list)
    bom: bool = False
    replaced_bytes: int = 0  # bytes decoded outside the main encoding (mixed files)

    def to_json(self) -> dict:
        return {"encoding": self.encoding, "fallback": self.fallback, "warnings": self.warnings,
                "bom": self.bom, "replaced_bytes": self.replaced_bytes}


def _signature(data: bytes) -> str | None:
    """Name of a binary format whose signature starts ``data``, if any.

    >>> _signature(b"\\x89PNG\\r\\n\\x1a\\n....")
    'PNG image'
    >>> _signature(b"Chapter one") is None
    True
    """
    for magic, name in BINARY_SIGNATURES.items():
        if data.startswith(magic):
            return name
    return None


def _utf16_32_without_bom(data: bytes) -> str | None:
    """Guess UTF-16/32 (no BOM) from where the NUL bytes sit in a sample.

    >>> _utf16_32_without_bom("plain text here".encode("utf-16-le"))
    'utf-16-le'
    >>> _utf16_32_without_bom("plain text here".encode("utf-32-be"))
    'utf-32-be'
    >>> _utf16_32_without_bom(b"plain text here") is None
    True
    """
    sample = data[:SAMPLE]
    n = len(sample)
    if n < 4 or b"\x00" not in sample:
        return None
    if n % 4 == 0 or len(data) % 4 == 0:
        quarters = [sample[i::4].count(0) / max(1, len(sample[i::4])) for i in range(4)]
        if quarters[1] > 0.9 and quarters[2] > 0.9 and quarters[3] > 0.9 and quarters[0] < 0.5:
            return "utf-32-le"
        if quarters[0] > 0.9 and quarters[1] > 0.9 and quarters[2] > 0.9 and quarters[3] < 0.5:
            return "utf-32-be"
    if len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= UTF16_NUL_SHARE and even_nul < 0.05:
        return "utf-16-le"
    if even_nul >= UTF16_NUL_SHARE and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _mixed_handler(exc: UnicodeDecodeError) -> tuple[str, int]:
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252") if b not in CP1252_UNDEFINED else chr(b)
                   for b in bad), exc.end


codecs.register_error("scanclean-cp1252", _mixed_handler)


def _check_signature(data: bytes) -> None:
    name = _signature(data)
    if name:
        raise RefusedInput("binary", f"the file starts with the signature of a {name}, "
                           "not text; convert it to plain text (e.g. run OCR) first")


def _check_binary(data: bytes) -> None:
    n = len(data)
    nul = data.count(0)
    if nul > MAX_NUL_SHARE * n:
        raise RefusedInput("binary", f"{nul} NUL bytes in {n} bytes ({nul / n:.1%}); "
                           "this looks like binary data, not UTF-8/UTF-16 text; check the file "
                           "type, or re-save it as UTF-8 text")
    controls = n - len(data.translate(None, CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * n and controls >= MIN_CONTROL_BYTES:
        raise RefusedInput("binary", f"{controls} control bytes in {n} bytes "
                           f"({controls / n:.1%}); this looks like binary data, not text; "
                           "check the file type, or re-save it as UTF-8 text")


def _single_byte(data: bytes) -> tuple[str, str]:
    """Pick a single-byte code page for non-UTF-8 data, with the reason."""
    high = data.translate(None, LOW_BYTES)
    in_runs = sum(len(m) for m in HIGH_RUN.findall(data))
    letters = len(high.translate(None, bytes(range(0x80, 0xC0))))
    if letters and in_runs / max(1, len(high)) >= 0.6:
        return "cp1251", (f"{in_runs} of {len(high)} high bytes form runs of 3+ letters "
                          "(whole non-ASCII words), read as Cyrillic cp1251")
    if any(b in high for b in CP1252_UNDEFINED):
        return "latin-1", "uses bytes cp1252 leaves undefined; read as latin-1"
    return "cp1252", "high bytes are mostly isolated letters in ASCII words; read as cp1252"


def decode_bytes(data: bytes) -> Decoded:
    """Decode one document's bytes; raise :class:`RefusedInput` for binary or empty data.

    >>> decode_bytes("café".encode("utf-8")).text
    'café'
    >>> d = decode_bytes("café".encode("cp1252"))
    >>> d.text, d.encoding, d.fallback is not None
    ('café', 'cp1252', True)
    >>> decode_bytes(b"  \\n")
    Traceback (most recent call last):
    ...
    cleaners.decode.RefusedInput: the document is empty or only whitespace (3 bytes); nothing to clean; check the scan or export that produced it
    """
    return _finish(_decode(data), len(data))


def _decode(data: bytes) -> Decoded:
    _check_signature(data)
    for bom, enc in BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            warnings = []
            if "\ufffd" in text:
                warnings.append(f"{text.count(chr(0xfffd))} undecodable sequences replaced by U+FFFD")
            return _finish(Decoded(text, enc, bom=True, warnings=warnings), len(data))
    wide = _utf16_32_without_bom(data)
    if wide:
        text = data.decode(wide, errors="replace")
        return _finish(Decoded(text, wide, fallback=f"no BOM; NUL-byte pattern of {wide}"), len(data))
    _check_empty(data)
    _check_binary(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_error = exc
    text = data.decode("utf-8", errors="scanclean-cp1252")
    strict_ok = data.decode("utf-8", errors="ignore")
    multibyte = len(strict_ok.encode("utf-8")) - len(strict_ok)  # continuation bytes decoded
    invalid = len(data) - len(strict_ok.encode("utf-8"))
    if multibyte >= invalid:
        positions = _invalid_positions(data)
        return Decoded(text, "utf-8", fallback=(
            f"mixed: {invalid} bytes are not valid UTF-8 ({first_error.reason} at byte "
            f"{first_error.start}) and were read as cp1252; the rest is UTF-8"),
            warnings=[f"non-UTF-8 byte at offsets {positions}"], replaced_bytes=invalid)
    enc, why = _single_byte(data)
    return Decoded(data.decode(enc, errors="replace"), enc,
                   fallback=f"not valid UTF-8 ({first_error.reason} at byte {first_error.start}); {why}")


def _invalid_positions(data: bytes) -> list[int]:
    out: list[int] = []
    pos = 0
    while len(out) < FALLBACK_POSITIONS:
        try:
            data[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            out.append(pos + exc.start)
            pos += exc.end
    return out


def _check_empty(data: bytes) -> None:
    if not data.translate(None, WHITESPACE_BYTES):
        raise RefusedInput("empty", f"the document is empty or only whitespace "
                           f"({len(data)} bytes); nothing to clean; check the scan or export that produced it")


def _finish(decoded: Decoded, n: int) -> Decoded:
    if not decoded.text.strip():
        raise RefusedInput("empty", f"the document is empty or only whitespace "
                           f"({n} bytes); nothing to clean; check the scan or export that produced it")
    return decoded
