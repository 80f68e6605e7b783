"""``python -m components <command>``: the same command line as ``zt-ecmp`` (components/cli/)."""

import sys

from components.cli.main import main

sys.exit(main())
