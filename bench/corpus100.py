"""A ~100 MB corpus generated from the seeds, with injected OCR noise.

Copies of the seed documents, each with its own seeded rate of OCR-style
character confusions (t->l, h->b, rn<->m, e->c, ...), so word repair and dedup
have real work (near-duplicate documents across copies). Written once to
``bench/out/corpus100/`` (git-ignored) and reused while the generator version
and the seeds are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "corpus100"
VERSION = 1

# (wrong, right) pairs as an OCR engine confuses them; applied right -> wrong
CONFUSIONS = [("l", "t"), ("b", "h"), ("rn", "m"), ("c", "e"), ("i", "t"), ("I", "l"),
              ("E", "L"), ("R", "B"), ("ii", "u"), ("cl", "d"), ("1", "l"), ("0", "o")]
_WORD = regex.compile(r"[^\W\d_]{3,}")


def add_noise(text: str, rate: float, rng: random.Random) -> str:
    """Damage about ``rate`` of the words of ``text`` with one OCR confusion each."""

    def damage(m: regex.Match) -> str:
        w = m[0]
        if rng.random() >= rate:
            return w
        wrong, right = CONFUSIONS[rng.randrange(len(CONFUSIONS))]
        positions = [i for i in range(len(w)) if w.startswith(right, i)]
        if not positions:
            return w
        i = positions[rng.randrange(len(positions))]
        return w[:i] + wrong + w[i + len(right):]

    return _WORD.sub(damage, text)


def seeds_digest(seeds: list[Path]) -> str:
    h = hashlib.sha256(str(VERSION).encode())
    for p in seeds:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def generate(target_mb: float = 100.0, out: Path = OUT) -> Path:
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    stamp = out / "_stamp.json"
    want = {"digest": seeds_digest(seeds), "target_mb": target_mb}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        return out
    out.mkdir(parents=True, exist_ok=True)
    for p in out.glob("*.txt"):
        p.unlink()
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in seeds]
    size, copy = 0, 0
    while size < target_mb * 1e6:
        for stem, text in texts:
            rng = random.Random(f"{stem}/{copy}")
            data = add_noise(text, rng.uniform(0.002, 0.03), rng).encode("utf-8")
            (out / f"{stem}_copy{copy:03d}.txt").write_bytes(data)
            size += len(data)
        copy += 1
    stamp.write_text(json.dumps(want))
    return out


if __name__ == "__main__":
    print(generate())
