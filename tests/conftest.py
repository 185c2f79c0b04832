"""Settings every test module shares."""

from hypothesis import settings

# Tests do not assert on wall-clock time: on a loaded two-core machine a single example
# can take longer than Hypothesis's default 200 ms deadline without anything being wrong.
settings.register_profile("autograd-core", deadline=None)
settings.load_profile("autograd-core")
