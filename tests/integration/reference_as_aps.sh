#!/bin/sh
# Stand-in for aps while it is being written: runs the reference itself, so that the Rule-1
# differential cases (docs/design.md, "The output contract") pass trivially (difftest.py
# exports PYTHON, the target's interpreter).
# Usage: difftest.py --aps tests/integration/reference_as_aps.sh --python ... (or configure
# with -DAPS_INTEGRATION_APS=/path/to/reference_as_aps.sh).
: "${PYTHON:?PYTHON must name the target interpreter}"
exec "$PYTHON" -m asyncio "$@"
