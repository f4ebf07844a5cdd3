import sys

from pipeline.cli import MODULE_PROG, main

sys.exit(main(prog=MODULE_PROG))
