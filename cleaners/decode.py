"""bytes -> str, with the encoding and any fallback recorded."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Decoded:
    text: str
    encoding: str
    fallback: str | None = None  # why the first choice was not used
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"encoding": self.encoding, "fallback": self.fallback, "warnings": self.warnings}


def decode_bytes(data: bytes) -> Decoded:
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8"), "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        return Decoded(data.decode("cp1252", errors="replace"), "cp1252",
                       fallback=f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
