"""The OCR word-repair engine (stage ``words``).

Modules
-------
* :mod:`~cleaners.words.tokens`: word tokens with offsets, case patterns, spans no
  repair may touch (URLs, e-mails, paths, user patterns).
* :mod:`~cleaners.words.confusions`: the OCR channel model (confusion costs,
  lost ligatures, doubled letters), the banded weighted edit distance, and
  confusion *skeletons* (characters an OCR engine mixes up share a class, so the
  words a token may have been are the known words with the same skeleton).
* :mod:`~cleaners.words.language`: general English resources, loaded once per
  process: wordfreq ``large`` unigrams (321k forms), symspellpy bigrams (243k).
* :mod:`~cleaners.words.lexicon`: the corpus lexicon built once from every
  document (trusted forms, always-capitalised spellings, learned confusion
  rates, corpus bigrams, corpus damage rate), quantised so its ``digest``
  rarely moves.
* :mod:`~cleaners.words.scoring`: candidates (confusion skeletons, one generic
  edit, glued function words) and the noisy-channel score with bigram context.
* :mod:`~cleaners.words.repair`: the stage (``DEFAULTS``, ``run``) and
  ``repair_text(text, lexicon=, options=) -> (new_text, edits, flags)``.
"""
