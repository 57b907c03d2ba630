"""``Sequential``: modules applied one after another."""
from __future__ import annotations

from typing import Any, Iterator

from nn.module import Module


class Sequential(Module):
    """``Sequential(m0, m1, ...)(x) == m1(m0(x))…``; children are named ``"0"``, ``"1"``, …"""

    def __init__(self, *modules: Module) -> None:
        self._count = 0
        for module in modules:
            self.append(module)

    def append(self, module: Module) -> "Sequential":
        if not isinstance(module, Module):
            raise TypeError(f"Sequential: every item must be an nn.Module, got {type(module).__name__}")
        setattr(self, str(self._count), module)
        self._count += 1
        return self

    def forward(self, x: Any) -> Any:
        for module in self:
            x = module(x)
        return x

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Module]:
        return (getattr(self, str(i)) for i in range(self._count))

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self)
        if isinstance(index, slice):
            return Sequential(*modules[index])
        try:
            return modules[index]
        except IndexError:
            raise IndexError(f"Sequential: index {index} is out of range for {self._count} modules") from None
        except TypeError:
            raise TypeError(f"Sequential: indices must be ints or slices, got {type(index).__name__}") from None
