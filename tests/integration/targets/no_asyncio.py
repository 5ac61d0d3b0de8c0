# A Python program that never imports asyncio.
import sys
import time
import aps_target

assert "asyncio" not in sys.modules
aps_target.announce_ready({"tasks": []})
time.sleep(aps_target.FOREVER)
