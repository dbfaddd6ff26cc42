"""The OCR word-repair engine."""
