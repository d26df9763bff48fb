"""A short, bounded atheris run of fuzz/fuzz_assets.py (longer runs: see README)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_bounded_fuzz_run_finds_no_5xx(tmp_path):
    result = subprocess.run(
        [sys.executable, "fuzz/fuzz_assets.py", "-runs=400", "-seed=1"],
        cwd=ROOT,
        env={**os.environ, "FUZZ_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 400 runs" in result.stderr
