"""Moves the wall clock far ahead in every Python process that starts with this on its path.

`make test-timeshift` puts this folder on PYTHONPATH, so the test run, every server and
every CLI it starts see a wall clock PREREG_TIME_SHIFT_DAYS days from today, while
monotonic clocks and sleeps stay real. A test that passes only near the date its clock
starts on (or that reads the wall clock where it should use the injected one) fails here.
"""

import os

_days = os.environ.get("PREREG_TIME_SHIFT_DAYS")
if _days:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(days=int(_days)), tick=True).start()
