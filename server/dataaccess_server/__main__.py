"""``python -m dataaccess_server`` is the ``dataaccess`` command."""

import sys

from dataaccess_server.cli import main

sys.exit(main())
