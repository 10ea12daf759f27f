"""An order workflow on plain boto3: charge, wait seven days, complete (the code under test)."""
