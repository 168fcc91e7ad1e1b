"""`python -m bot …` is the same program as `prereg …`."""

from bot.cli import main

raise SystemExit(main())
