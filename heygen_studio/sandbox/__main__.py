"""`python -m heygen_studio.sandbox`: run the sandbox HeyGen (same options as `heygen-studio sandbox`)."""

import sys

from heygen_studio.sandbox.server import main

sys.exit(main(sys.argv[1:]))
