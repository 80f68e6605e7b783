"""``python -m components <command>``: the lab's command line (components/cli/)."""

import sys

from components.cli.main import main

sys.exit(main())
