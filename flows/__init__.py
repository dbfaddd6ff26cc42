import os
from pathlib import Path
_root = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(_root / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
