"""Prints each result of a SARIF log with its locations, one line each:

  RULE: MESSAGE @ URI:LINE:COLUMN [; NOTE @ URI:LINE:COLUMN ...]

  sarif_locations.py LOG
"""
import json
import sys


def where(location):
    physical = location["physicalLocation"]
    region = physical.get("region", {})
    return "%s:%s:%s" % (physical["artifactLocation"]["uri"],
                         region.get("startLine"), region.get("startColumn"))


for run in json.load(open(sys.argv[1], encoding="utf-8"))["runs"]:
    for result in run["results"]:
        parts = ["%s: %s @ %s" % (result["ruleId"], result["message"]["text"],
                                  where(result["locations"][0]))]
        for related in result.get("relatedLocations", []):
            parts.append("%s @ %s" % (related["message"]["text"], where(related)))
        print("; ".join(parts))
