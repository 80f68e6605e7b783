"""Specifications of the repository as a whole: README, workflows, goldens, the secret audit, the engine and the SDK folder."""
