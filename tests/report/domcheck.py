"""domcheck.py DOM.html SVGS TEXT...: the DOM Chromium built from a report.

Fails (exit 1, one line) when the DOM holds an element or attribute that
came from the wire: any <script>, <img>, <iframe>, <object>, <embed>, an
on* event attribute, a javascript: URL, a title changed by a script, or
not exactly SVGS <svg> elements (a '</svg>' that broke out would end one
early and leave its arrows outside). Each TEXT must appear as text.
"""
import sys
from html.parser import HTMLParser

BANNED = {"script", "img", "iframe", "object", "embed", "base", "form"}


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.bad, self.text, self.title, self._in_title = {}, [], [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag in BANNED:
            self.bad.append(f"<{tag}> element")
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(f"{k}= attribute on <{tag}>")
            if v and v.strip().lower().startswith("javascript:"):
                self.bad.append(f"javascript: URL in {k}= on <{tag}>")
        # the document's <title>, not the tooltips inside the SVG
        self._in_title = tag == "title" and "body" not in self.tags

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.title += data


dom = Dom()
dom.feed(open(sys.argv[1], encoding="utf-8").read())
text = "".join(dom.text)
if "pwned" in dom.title:
    dom.bad.append(f"a script ran: title is {dom.title!r}")
if dom.tags.get("svg", 0) != int(sys.argv[2]):
    dom.bad.append(f"{dom.tags.get('svg', 0)} <svg> elements, expected {sys.argv[2]}")
for t in sys.argv[3:]:
    if t not in text:
        dom.bad.append(f"text {t!r} is not shown")
if dom.bad:
    print("; ".join(dom.bad))
    sys.exit(1)
print(f"dom ok: {sum(dom.tags.values())} elements, {dom.tags.get('svg', 0)} svg")
