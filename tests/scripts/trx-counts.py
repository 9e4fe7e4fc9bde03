"""Prints 'RESULT <suite> <passed> <failed> <skipped>' from a VSTest TRX file."""
import sys
import xml.etree.ElementTree as ET

suite, path = sys.argv[1], sys.argv[2]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
if counters is None:
    print(f"RESULT {suite} 0 1 0")
else:
    a = counters.attrib
    passed = int(a.get("passed", 0))
    failed = int(a.get("failed", 0)) + int(a.get("error", 0)) + int(a.get("timeout", 0)) + int(a.get("aborted", 0))
    skipped = int(a.get("notExecuted", 0))
    print(f"RESULT {suite} {passed} {failed} {skipped}")
