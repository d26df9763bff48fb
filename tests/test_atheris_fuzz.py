"""A short, bounded atheris run of fuzz/fuzz_assets.py (longer runs: see README)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NO_DATABASE

pytest.importorskip("atheris")
pytestmark = NO_DATABASE  # the harness serves from a SQLite database of its own
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_bounded_fuzz_run_finds_no_5xx(tmp_path):
    result = subprocess.run(
        # Inputs up to 128 bytes from the first run (libFuzzer would start at 4 and grow them).
        [
            sys.executable,
            "fuzz/fuzz_assets.py",
            "-runs=3000",
            "-seed=1",
            "-max_len=128",
            "-len_control=0",
            f"-artifact_prefix={tmp_path}/",  # a crashing input is written there, not here
        ],
        cwd=ROOT,
        env={**os.environ, "FUZZ_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 3000 runs" in result.stderr
