"""Renamed: now :mod:`nn.lectures.examples`; this alias is kept for one release."""

import sys
import warnings

from nn.lectures import examples as _renamed

warnings.warn(
    "nn.worked_examples is now nn.lectures.examples; the old name goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = _renamed
