"""Data comparison with other agencies (数据比对): an agency's list is matched with the registry by ID number, the
differences are shown for review with their effect on money, and a second person applies them through the
registry's own services, with the list named as their source.

comparison_check(...)     read + match, no writes                       -> ComparisonReport
comparison_upload(...)    keep the file, start the compare job (web)
comparison_apply(...)     the apply job: every selected finding, one transaction
"""
