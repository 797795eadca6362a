"""``python -m loadtest``: the load script (see README, 压力测试)."""

import sys

from loadtest.runner import main

sys.exit(main())
