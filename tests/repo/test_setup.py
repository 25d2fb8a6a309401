"""The README's two commands, `.ci/run` and `scripts/setup.sh` agree with one another.

CI runs exactly the README's test command, so what a newcomer types on a fresh Debian machine
is what CI proves. Python packages go into the project's `.venv/`, never into the system
Python (Debian refuses that: PEP 668).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
SETUP = ROOT / "scripts" / "setup.sh"


def _readme_setup_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("bash scripts/setup.sh")]


def _ci_command() -> str:
    lines = [
        line.strip()
        for line in CI_RUN.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    commands = [line for line in lines if not line.startswith(("set ", "cd "))]
    assert len(commands) == 1, f".ci/run should run one command, not {commands}"
    return commands[0]


def test_readme_has_the_two_commands() -> None:
    assert _readme_setup_commands() == [
        "bash scripts/setup.sh && .venv/bin/credsite serve",
        "bash scripts/setup.sh && .venv/bin/python -m pytest",
    ]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(c for c in _readme_setup_commands() if "pytest" in c)
    assert _ci_command() == test_command


def test_the_virtual_environment_is_not_committed() -> None:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".venv/" in lines or "/.venv/" in lines


def test_setup_installs_python_packages_only_into_the_venv() -> None:
    for number, line in enumerate(SETUP.read_text(encoding="utf-8").splitlines(), start=1):
        code = line.split("#", 1)[0]
        if re.search(r"\bpip\b", code) and "install" in code and "say " not in code:
            assert '"$VENV/bin/python" -m pip install' in code, f"setup.sh:{number}: {line}"


def test_setup_script_parses() -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    done = subprocess.run([bash, "-n", str(SETUP)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
