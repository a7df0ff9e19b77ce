"""The reports worker's CPU budget, as the production stack gives it one (docker-compose.yml:
reports-worker's ``cpu_period`` and ``cpu_quota``; under systemd, ``CPUQuota=`` with
``CPUQuotaPeriodSec=``): the kernel's CFS bandwidth control, through a control group of the
benchmark's own, so that two reports being drawn take at most that share
of the machine's cores from the pages, however much work they hold.

cgroup v2 (``cpu.max``) or v1 (``cpu.cfs_quota_us``); where neither can be written (no root,
no cpu controller) the worker runs without a budget and the benchmark says so."""

import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

# A short period keeps each burst short: within a period a budgeted process may run its whole
# quota on every core at once, and a page waiting behind it waits that long. Measured on the
# 2-core machine with a quarter of a core: the caseload's p95 while two reports ran was 1.56×
# idle with 100 ms periods, 1.26× and 1.48× with 10 ms (docs/operations.md: Workers beside the web).
PERIOD_US = 10_000
ROOTS = (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/cpu"))


@dataclass(frozen=True)
class Budget:
    cpus: float
    path: Path | None  # the control group, None where none could be made
    why_not: str = ""

    def join(self) -> Callable[[], None] | None:
        """For ``Popen(preexec_fn=...)``: the started process enters the group before it
        runs anything, so that every child it forks is inside too."""
        if self.path is None:
            return None
        procs = self.path / "cgroup.procs"
        return lambda: procs.write_text(str(os.getpid()))

    def describe(self) -> str:
        if self.path is None:
            return f"no CPU budget ({self.why_not})"
        return f"a budget of {self.cpus:g} CPU"


def budget(name: str, cpus: float) -> Budget:
    """A control group ``name`` limited to ``cpus`` cores (0 or less: no budget)."""
    if cpus <= 0:
        return Budget(cpus, None, "none asked for")
    quota = int(cpus * PERIOD_US)
    for root in ROOTS:
        if (root / "cgroup.controllers").exists():
            limits = {"cpu.max": f"{quota} {PERIOD_US}"}
            # cgroup v2 hands the cpu controller to child groups only when asked to.
            with suppress(OSError):
                (root / "cgroup.subtree_control").write_text("+cpu")
        elif (root / "cpu.cfs_quota_us").exists():
            limits = {"cpu.cfs_period_us": str(PERIOD_US), "cpu.cfs_quota_us": str(quota)}
        else:
            continue
        path = root / name
        try:
            path.mkdir(exist_ok=True)
            for file, value in limits.items():
                (path / file).write_text(value)
        except OSError as error:
            remove(Budget(cpus, path))
            return Budget(cpus, None, f"{root} not writable: {error.strerror}")
        return Budget(cpus, path)
    return Budget(cpus, None, "no cgroup cpu controller")


def remove(found: Budget) -> None:
    """Once its processes have stopped: an empty control group is removed with rmdir."""
    if found.path is not None:
        with suppress(OSError):
            found.path.rmdir()
