"""The GitHub workflows that check and publish the site are part of the trust root.

Whoever can change a workflow's actions or widen its token can change what `registry.json`
says, and with it what the verifier accepts. zizmor audits them offline: actions pinned to a
commit hash, no permissions at the workflow level, no persisted checkout credentials, no
template injection. Configuration files and ignore comments are not honoured here, so a finding
can only go away by fixing the workflow (or by changing this test, in review).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def _zizmor() -> str:
    """The zizmor installed with the test extra (next to this Python), else one on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / "zizmor"
    if beside.is_file():
        return str(beside)
    found = shutil.which("zizmor")
    assert found, "zizmor is not installed: pip install -e '.[test]'"
    return found


def _describe(finding: dict) -> str:
    severity = finding.get("determinations", {}).get("severity", "?")
    where = []
    for location in finding.get("locations", []):
        symbolic = location.get("symbolic", {})
        path = symbolic.get("key", {}).get("Local", {}).get("verbatim_path", "?")
        row = location.get("concrete", {}).get("location", {}).get("start_point", {}).get("row")
        line = f":{row + 1}" if isinstance(row, int) else ""
        where.append(f"{path}{line} ({symbolic.get('annotation', '')})")
    return f"{finding.get('ident')} [{severity}] {finding.get('desc')}: " + "; ".join(where)


def test_workflows_exist() -> None:
    names = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
    assert "publish-site.yml" in names and "check-catalogue.yml" in names, names


def test_zizmor_reports_no_findings() -> None:
    proc = subprocess.run(
        [
            _zizmor(),
            "--offline",
            "--no-config",
            "--no-ignores",
            "--strict-collection",
            "--no-progress",
            "--format",
            "json",
            ".github/workflows/",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        findings = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"zizmor exited {proc.returncode} without JSON output:\n{proc.stdout}\n{proc.stderr}"
        ) from None
    assert isinstance(findings, list), findings
    assert not findings, f"zizmor reports {len(findings)} finding(s):\n" + "\n".join(
        _describe(f) for f in findings
    )
    assert proc.returncode == 0, proc.stderr
