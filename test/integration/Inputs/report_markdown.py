"""Renders each case of a file through iodrain-report's Markdown renderer,
for report-markdown.test.

  report_markdown.py IODRAIN-REPORT CASES
  report_markdown.py IODRAIN-REPORT --random N

Cases start with a line '=== NAME'; a name starting 'in-page' is rendered
as the text of the check iodrain-close-pending-io, whose relative links
are resolved against its page under https://example.org/docs/checks/.
Prints '=== NAME' and the HTML of each.

--random renders N random texts of Markdown's characters (the same ones
each time), then texts nested or repeated thousands of times, and checks
that every page has only the renderer's own tags and attributes, nested,
with links only to http, https or relative URLs, each in under a second.
"""
import html.parser
import importlib.machinery
import importlib.util
import random
import sys
import time

loader = importlib.machinery.SourceFileLoader("iodrain_report", sys.argv[1])
spec = importlib.util.spec_from_loader("iodrain_report", loader)
report = importlib.util.module_from_spec(spec)
loader.exec_module(report)

docs = report.Docs({}, "https://example.org/docs/checks/")

TAGS = {"p", "code", "em", "strong", "a", "ul", "ol", "li", "pre",
        "blockquote", "h3", "h4", "h5", "h6", "hr"}
ATTRIBUTES = {("a", "href"), ("ol", "start"), ("code", "class")}


class Checker(html.parser.HTMLParser):
    """Fails on a tag or attribute the renderer does not make, a link to
    another scheme, or tags that do not nest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.problem = [], None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) not in ATTRIBUTES:
                self.problem = "attribute %s on <%s>" % (name, tag)
            elif name == "href" and report.safe_url(value) != value:
                self.problem = "link to %r" % value
        if tag not in TAGS:
            self.problem = "tag <%s>" % tag
        elif tag != "hr":
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problem = "</%s> does not close the last tag open" % tag


def check(text):
    start = time.time()
    page = report.markdown(text, None, shift=2)
    checker = Checker()
    checker.feed(page)
    checker.close()
    problem = checker.problem or (checker.open and "unclosed tags") or \
        (time.time() - start > 1 and "took %.1f s" % (time.time() - start))
    if problem:
        sys.exit("%s, rendering %r" % (problem, text[:200]))


def random_texts(count):
    pieces = ["*", "**", "_", "`", "``", "[", "]", "(", ")", "\\", "<", ">",
              "&", '"', "'", "\n", "\n\n", " ", "  ", "- ", "1. ", "> ",
              "# ", "```", "~~~", "a", "b_c", "x", "javascript:", "https://e/",
              "<script>", "&lt;", "&#58;", "\t", "\0", "\u00e9"]
    rng = random.Random(10)
    for _ in range(count):
        yield "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
    for piece in ("> ", "- ", "1. ", "  - a\n", "*a ", "**a ", "_a ", "`a ``b ",
                  "[a](", "[", "***", "\\*", "<b>"):
        yield piece * 5000


if sys.argv[2] == "--random":
    count = 0
    for text in random_texts(int(sys.argv[3])):
        check(text)
        count += 1
    print("%d texts: only the renderer's tags, nested, and safe links" % count)
    sys.exit(0)
cases, name = [], None
for line in open(sys.argv[2], encoding="utf-8").read().split("\n"):
    if line.startswith("=== "):
        name = line[4:]
        cases.append((name, []))
    elif name is not None:
        cases[-1][1].append(line)
for name, lines in cases:
    resolve = docs.resolver("iodrain-close-pending-io") \
        if name.startswith("in-page") else None
    print("=== " + name)
    print(report.markdown("\n".join(lines).strip("\n"), resolve, shift=2))
