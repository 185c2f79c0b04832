"""Renamed: now :mod:`nn.lectures.formulas`; this alias is kept for one release."""

import sys
import warnings

from nn.lectures import formulas as _renamed

warnings.warn(
    "nn.formulas is now nn.lectures.formulas; the old name goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = _renamed
