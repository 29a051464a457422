# Read by the `flask` command (python-dotenv) when run from this folder.
# Production servers set ENGAGE_ENV=production in their real environment,
# which wins over this file.
ENGAGE_ENV=development
