"""Workbooks we write with XlsxWriter: the Decree 30 look, unit workbooks, the assignment
workbook and the blank appendix template (the consolidated report lives in report.py)."""
