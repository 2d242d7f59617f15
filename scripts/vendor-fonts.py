"""Derive the PDF fonts from Debian's CJK fonts into static/vendor/fonts/ (git-ignored). Idempotent.

WeasyPrint subsets every face a document uses, and a full CJK face has 65,535 glyphs: most of a cold
render went into cutting 15 characters out of a 27 MB Noto Serif CJK Bold. The faces made here hold the
characters of GB 2312 (the 6,763 hanzi of everyday documents) with Latin, punctuation and symbols,
under their own family names ("Portal Serif SC", "Portal Sans SC", "Portal Kai"); the stylesheets name
them first and the full Debian faces after them, so a rarer character (a name outside GB 2312) still
prints, from the full face. A fonts.conf beside them adds the folder to fontconfig for the portal's
processes only (portal/pdf.py points FONTCONFIG_FILE at it).

    .venv/bin/python scripts/vendor-fonts.py      # run by `make setup`
"""
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "static", "vendor", "fonts")
NOTO = "/usr/share/fonts/opentype/noto"
VERSION = "1"  # bump when the character set or the faces change: the fonts are then made again

# (output file, source file, face index in the collection (SC), family, style, PostScript name)
FACES = [
    ("PortalSerifSC-Regular.otf", f"{NOTO}/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "Portal Serif SC", "Regular"),
    ("PortalSerifSC-Bold.otf", f"{NOTO}/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "Portal Serif SC", "Bold"),
    ("PortalSansSC-Regular.otf", f"{NOTO}/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "Portal Sans SC", "Regular"),
    ("PortalKai-Regular.ttf", "/usr/share/fonts/truetype/arphic/ukai.ttc", "AR PL UKai CN", "Portal Kai", "Regular"),
]


def characters():
    """GB 2312 with ASCII, general punctuation, CJK symbols, full-width forms and enclosed numbers."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for block in ((0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2460, 0x24FF), (0x2500, 0x257F),
                  (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0x3200, 0x32FF), (0xFF00, 0xFFEF)):
        chars |= set(range(block[0], block[1] + 1))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def face_index(path, family):
    """The index of the face named `family` in a collection (the SC face of the Noto collections)."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    for n, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return n
    raise SystemExit(f"{path}: no face named {family!r}")


def build(out, source, source_family, family, style):
    options = subset.Options()
    options.font_number = face_index(source, source_family)
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    postscript = f"{family.replace(' ', '')}-{style}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 4:
            record.string = f"{family} {style}" if style != "Regular" else family
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 3:
            record.string = f"{postscript};portal-{VERSION}"
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]
    path = os.path.join(TARGET, out)
    font.save(path + ".tmp")
    os.replace(path + ".tmp", path)
    return out


FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- The system's configuration plus the portal's PDF fonts (made by scripts/vendor-fonts.py). -->
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir prefix="relative">.</dir>
  <cachedir prefix="relative">cache</cachedir>
</fontconfig>
"""


def main():
    stamp = os.path.join(TARGET, f"VERSION-{VERSION}")
    if os.path.exists(stamp) and all(os.path.exists(os.path.join(TARGET, f[0])) for f in FACES):
        return
    missing = [f[1] for f in FACES if not os.path.exists(f[1])]
    if missing:
        sys.exit(f"missing Debian fonts {missing}: install fonts-noto-cjk fonts-arphic-ukai")
    os.makedirs(TARGET, exist_ok=True)
    with ProcessPoolExecutor(max_workers=2) as pool:
        for done in pool.map(build, *zip(*FACES)):
            print(f"PDF font made: static/vendor/fonts/{done}")
    with open(os.path.join(TARGET, "fonts.conf"), "w") as fh:
        fh.write(FONTS_CONF)
    open(stamp, "w").close()


if __name__ == "__main__":
    main()
