"""No reference cycles: a graph is freed by reference counting alone."""

from __future__ import annotations

import gc

from autograd_core import Value


def live_values() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


def test_graph_is_freed_without_the_cyclic_collector():
    # Values use __slots__ without __weakref__ (8 bytes less per node), so instead of a
    # weakref this counts the Value objects the collector tracks: anything kept alive only
    # by a cycle would still be counted while the collector is off.
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = live_values()
        x = Value(1.5, "x")
        w = Value(-0.5, "w")
        out = ((x * w + x**2).tanh() + x.exp() / w).sigmoid()
        out.backward()
        assert live_values() > before + 5
        del x, w, out
        assert live_values() == before
    finally:
        if was_enabled:
            gc.enable()


def test_deep_chain_is_freed_without_the_cyclic_collector():
    gc.collect()
    gc.disable()
    try:
        before = live_values()
        v = Value(0.0)
        for _ in range(100_000):
            v = v * 1.0001 + 0.001
        v.backward()
        del v
        assert live_values() == before
    finally:
        gc.enable()
