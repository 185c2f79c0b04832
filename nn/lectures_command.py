"""Renamed: now :mod:`nn.lectures.report`; this alias is kept for one release."""

import sys
import warnings

from nn.lectures import report as _renamed

warnings.warn(
    "nn.lectures_command is now nn.lectures.report; the old name goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = _renamed
