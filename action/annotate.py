"""Prints a GitHub workflow command (an annotation) for each result of a trustlint SARIF report.

Usage: annotate.py REPORT. Escapes as @actions/core does: in data % CR LF, in properties also
: and ,. trustlint has already neutralised control characters in messages; artifact URIs are
percent-encoded in SARIF and are decoded back to the paths the annotations need.
"""

import json
import sys
from urllib.parse import unquote

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "warning", "info": "notice"}


def data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(text):
    return data(text).replace(":", "%3A").replace(",", "%2C")


def main(path):
    with open(path, encoding="utf-8") as report:
        results = json.load(report)["runs"][0]["results"]
    out = []
    for result in results:
        severity = result.get("properties", {}).get("severity", "low")
        at = result["locations"][0]["physicalLocation"]
        region = at["region"]
        out.append(
            "::{level} file={file},line={line},col={col},endLine={end_line},endColumn={end_col},"
            "title={title}::{message}".format(
                level=LEVELS.get(severity, "warning"),
                file=prop(unquote(at["artifactLocation"]["uri"])),
                line=region["startLine"],
                col=region["startColumn"],
                end_line=region["endLine"],
                end_col=region["endColumn"],
                title=prop(result["ruleId"]),
                message=data("[{}] {}".format(severity, result["message"]["text"])),
            )
        )
    sys.stdout.write("".join(line + "\n" for line in out))
    sys.stderr.write("trustlint: {} finding(s); all of them are in {}\n".format(len(out), path))


if __name__ == "__main__":
    main(sys.argv[1])
