"""The drawing options every ``viz`` picture accepts, checked once, in one place."""
from __future__ import annotations

from dataclasses import dataclass

from viz.labels import check_precision

RANKDIRS = ("LR", "RL", "TB", "BT")
DEFAULT_MAX_NODES = 250  # beyond this dot takes many seconds and the picture is unreadable


@dataclass(frozen=True)
class DrawOptions:
    rankdir: str = "LR"
    precision: int = 4
    show_grad: bool = True
    show_local: bool = True
    collapse_modules: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    legend: bool = True
    cluster_modules: bool = False  # every node drawn, grouped in one cluster per module call

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {self.rankdir!r}")
        check_precision(self.precision)
        for flag in ("show_grad", "show_local", "collapse_modules", "legend", "cluster_modules"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be True or False, got {getattr(self, flag)!r}")
        if self.collapse_modules and self.cluster_modules:
            raise ValueError("collapse_modules draws one box per module and cluster_modules draws "
                             "every node grouped by module: choose one")
        if isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int):
            raise TypeError(f"max_nodes must be an int, got {self.max_nodes!r}")
        if self.max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1, got {self.max_nodes}")
