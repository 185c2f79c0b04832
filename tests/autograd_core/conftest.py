import sys
from pathlib import Path

# The op registry is a plain module beside the tests that share it.
sys.path.insert(0, str(Path(__file__).parent))
