"""``report.html``: one self-contained page per release that a person reads instead of the CSV.

Every table with its three years, units, footnote markers linked to their texts, its top-3 panel and a
small trend picture across this and every earlier release under the output folder; the validation verdict
with every check; the page pictures with each value's box linked to and from its cell. No script, no
external style, font or image: pictures are data URIs (``images``), trends inline SVG (``trend``), and the
template escapes every text.

``page`` turns the frames and checks into the page's view objects and fills the template
(``report.html.j2``); ``earlier`` says which earlier releases the trends show.
"""
