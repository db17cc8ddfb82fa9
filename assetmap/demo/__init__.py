"""A deterministic, clearly labelled demonstration dataset for Tower Hamlets.

Everything here is invented: networks drawn by hand, fictional GP practices (ODS codes
"Y9" + four digits), organisations and listings. Load it with `manage.py load_demo`;
`manage.py demo_accounts` prints the logins.
"""

# Every demo account has this password, which is published in the README and printed
# by the commands, so load_demo refuses to run with DEBUG off unless forced.
DEMO_PASSWORD = "assetmap-demo"  # noqa: S105 (published on purpose)

# Every demo listing's description ends with this sentence.
DEMO_LABEL = "Demo listing: invented for demonstration."
DEMO_NOTES = "Demo data."

SITE_URL = "http://127.0.0.1:8000"
