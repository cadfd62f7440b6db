"""The detectors of the anonymity scan, each a function that adds candidates to a Scan."""
