# TEMPORARY scratch stub for testing serve.py (not committed)
from pathlib import Path
import json
from prefect import flow
@flow(name="clean_corpus")
def clean_corpus(raw: str = "raw", clean: str = "clean", runner: str = "default"):
    Path(clean).mkdir(parents=True, exist_ok=True)
    (Path(clean)/"run.json").write_text(json.dumps({"totals": {"docs": len(list(Path(raw).glob('*.txt')))}}))
    return "ok"
