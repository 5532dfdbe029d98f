"""``python -m benchmarks``: the whole send and receive path, the peer stacks and bulk validation."""

import sys

from benchmarks.run import main

sys.exit(main())
