"""Settings of the real server that tests/live_server.py starts.

`make run`'s settings (debug and the toolbar on), plus two instruments:

- every password the server hashes is logged ("[tests.counting_hasher] password
  hashed"), with Django's default hasher and its real cost;
- the toolbar keeps the data of more requests than its default 25, so that a
  test can read the panels of every request it made.
"""

from tutorial_site.settings import *  # noqa: F403
from tutorial_site.settings import DEBUG_TOOLBAR_CONFIG

PASSWORD_HASHERS = ["tests.counting_hasher.CountingPBKDF2PasswordHasher"]
DEBUG_TOOLBAR_CONFIG = {**DEBUG_TOOLBAR_CONFIG, "RESULTS_CACHE_SIZE": 1000}
