"""The lecture companion: the lectures' hand-derived formulas, their worked examples, and
the ``autograd-core lectures`` report that checks formula = engine = finite difference.

It sits on top of :mod:`nn` (which never imports it): ``formulas`` is plain NumPy,
``examples`` builds each worked example with the engine and nn, ``report`` prints them.
"""
