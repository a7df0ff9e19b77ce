"""The worker's CPU budget: the benchmark gives its worker the one docker-compose.yml gives, and
writes it where the kernel reads it, or says why it could not."""

import re
import subprocess
import sys
from pathlib import Path

from bench import cpu
from bench.run import WORKER_CPUS

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_worker_has_the_budget_of_the_production_stack():
    compose = (ROOT / "docker-compose.yml").read_text()
    period = re.search(r"^    cpu_period: (\d+)$", compose, re.MULTILINE)
    quota = re.search(r"^    cpu_quota: \$\{WORKER_CPU_QUOTA:-(\d+)\}$", compose, re.MULTILINE)
    assert period and quota, "docker-compose.yml: reports-worker's cpu_period and cpu_quota"
    assert int(period.group(1)) == cpu.PERIOD_US
    assert int(quota.group(1)) / int(period.group(1)) == WORKER_CPUS


def _v1(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "cpu"
    root.mkdir()
    (root / "cpu.cfs_quota_us").write_text("-1")
    monkeypatch.setattr(cpu, "ROOTS", (root,))
    return root


def _v2(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "unified"
    root.mkdir()
    (root / "cgroup.controllers").write_text("cpu io memory")
    monkeypatch.setattr(cpu, "ROOTS", (root,))
    return root


def test_a_budget_is_a_quota_per_period_in_cgroup_v1(tmp_path, monkeypatch):
    root = _v1(tmp_path, monkeypatch)
    found = cpu.budget("worker", 0.5)
    assert found.path == root / "worker"
    assert (found.path / "cpu.cfs_period_us").read_text() == "10000"
    assert (found.path / "cpu.cfs_quota_us").read_text() == "5000"
    assert found.describe() == "a budget of 0.5 CPU"


def test_a_budget_is_cpu_max_in_cgroup_v2(tmp_path, monkeypatch):
    root = _v2(tmp_path, monkeypatch)
    found = cpu.budget("worker", 0.25)
    assert (found.path / "cpu.max").read_text() == "2500 10000"
    assert (root / "cgroup.subtree_control").read_text() == "+cpu"


def test_no_budget_asked_for_or_none_possible_is_said_and_runs_without(tmp_path, monkeypatch):
    assert cpu.budget("worker", 0).path is None
    monkeypatch.setattr(cpu, "ROOTS", (tmp_path,))
    found = cpu.budget("worker", 0.5)
    assert found.path is None and found.join() is None
    assert found.describe() == "no CPU budget (no cgroup cpu controller)"


def test_an_unwritable_control_group_is_reported_not_raised(tmp_path, monkeypatch):
    # Refused as a non-root user would be; root may write anywhere, so the refusal is made here.
    _v1(tmp_path, monkeypatch)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    found = cpu.budget("worker", 0.5)
    assert found.path is None and found.join() is None
    assert found.describe().endswith("not writable: Permission denied)")


def test_a_started_process_enters_the_group_before_it_runs(tmp_path, monkeypatch):
    _v1(tmp_path, monkeypatch)
    found = cpu.budget("worker", 0.5)
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        preexec_fn=found.join(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert (found.path / "cgroup.procs").read_text() == child.stdout.strip()
    for file in found.path.iterdir():
        file.unlink()
    cpu.remove(found)
    assert not found.path.exists()
