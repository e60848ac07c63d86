import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLING = os.path.dirname(HERE)
ROOT = os.path.dirname(TOOLING)
BUNDLE = os.path.join(ROOT, "models", "nano")
REFERENCE = os.path.join(ROOT, "models", "reference", "nano")
if TOOLING not in sys.path:
    sys.path.insert(0, TOOLING)

import torch  # noqa: E402

torch.set_num_threads(2)
