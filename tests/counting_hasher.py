"""Django's default password hasher, logging every password it hashes.

The real server of tests/live_server.py uses it, so that a test can count how
many passwords the server really checked: checking a password hashes it once
(verify() calls encode()), and so does the dummy hash that ModelBackend runs
for a user name no account has. Same algorithm, same iterations, same cost.
"""

import logging

from django.contrib.auth.hashers import PBKDF2PasswordHasher

logger = logging.getLogger(__name__)

HASHED = "password hashed"


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    def encode(self, password, salt, iterations=None):
        logger.info(HASHED)
        return super().encode(password, salt, iterations)
