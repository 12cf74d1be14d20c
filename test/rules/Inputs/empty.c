// Nothing to analyse: the rules file alone is under test.
