"""``python -m swfkit``: the ``swfkit`` command."""
import sys

from swfkit.cli import main

if __name__ == "__main__":  # multiprocessing's spawn imports this module again in each child
    sys.exit(main())
