#!/usr/bin/env bash
# The validation report of every example spec, rendered by a real browser: headless
# Chromium (installed from Debian if missing) takes a screenshot and prints it to PDF. The
# screenshot must not be blank, the PDF must have a plausible number of A4 pages, and the
# HTML must fetch nothing (no scripts, links, images or URLs but the SVG namespace).
source "$(dirname "$0")/lib.sh"
if ! command -v chromium >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ||
    fail "cannot install chromium"
fi
browser() {  # headless Chromium with its own profile; its D-Bus complaints are noise here
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" "$@" 2>/dev/null
}
"$SILICO" verify -q -o "$WORK/verify.json" >/dev/null || fail "silico verify failed"

for spec in "$SILICO_SOURCE_DIR"/configs/*.yaml; do
  name=$(basename "$spec" .yaml)
  # Run from the project with a relative spec path, report from elsewhere: the report
  # re-reads the spec's cohort files from the result file, not from disk.
  (cd "$SILICO_SOURCE_DIR" && "$SILICO" run "configs/$name.yaml" -o "$WORK/$name.h5" -q)
  (cd "$WORK" && "$SILICO" report "$name.h5" -o "$name.html" --verify verify.json)
  if grep -q "re-read from the result file" "$WORK/$name.html"; then
    fail "$name: the report could not re-run the stored spec: $(grep -o '[^>]*re-read from the result file[^<]*' "$WORK/$name.html" | head -1)"
  fi
  if grep -Eqi '<script|<link|<img|<iframe|@import|url\(|src=|href=' "$WORK/$name.html"; then
    fail "$name: the report references something outside itself"
  fi
  # An HTML entity escaped twice shows as "&times;" in the browser.
  if grep -Eq '&amp;[a-z]+;' "$WORK/$name.html"; then
    fail "$name: entity escaped twice: $(grep -Eo '.{30}&amp;[a-z]+;' "$WORK/$name.html" | head -1)"
  fi
  # The appendix's checksum is the one sha256sum gives for the spec file as run.
  grep -q "SHA-256 <code>$(sha256sum "$spec" | cut -d' ' -f1)" "$WORK/$name.html" || fail "$name: spec checksum"
  # Observed outcomes: read at run time, checksummed in the appendix, compared in section 6.
  if grep -q "observed_file:" "$spec"; then
    observed=$(sed -n 's/^ *observed_file: *//p' "$spec" | head -1)
    grep -q "SHA-256 <code>$(sha256sum "$SILICO_SOURCE_DIR/$observed" | cut -d' ' -f1)" "$WORK/$name.html" ||
      fail "$name: observed-outcomes checksum"
    grep -q 'data-series="observed"' "$WORK/$name.html" || fail "$name: no observed curve in section 6"
  fi
  # An ODE-solved model gets its tolerance checked (section 5), not "not applicable".
  if grep -Eq "solver: (dopri5|cvode_bdf)" "$spec"; then
    grep -q "largest relative change" "$WORK/$name.html" || fail "$name: no calculation verification"
  fi
  # The run's wall_seconds, read from the file.
  grep -Eq "<tr><th>run time</th><td>[0-9]" "$WORK/$name.html" || fail "$name: no run time in the appendix"
  urls=$(grep -Eo 'https?://[^" <]*' "$WORK/$name.html" | sort -u | grep -v '^http://www.w3.org/2000/svg$' || true)
  [ -z "$urls" ] || fail "$name: URLs in the report: $urls"
  browser --screenshot="$WORK/$name.png" --window-size=1100,1600 "file://$WORK/$name.html" >/dev/null
  browser --print-to-pdf="$WORK/$name.pdf" --no-pdf-header-footer "file://$WORK/$name.html" >/dev/null
  python3 - "$WORK/$name.png" "$WORK/$name.pdf" "$name" <<'PY'
import re, struct, sys, zlib
png, pdf, name = sys.argv[1:4]

def pixels(path):
    """Decode an 8-bit RGB(A) PNG (what Chromium writes) to rows of bytes."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows

width, height, bpp, rows = pixels(png)
inked = sum(1 for row in rows for i in range(0, len(row), bpp) if min(row[i:i + 3]) < 200)
share = inked / (width * height)
# Text, tables and a chart cover a few percent of a page; a blank or error page is ~0.
assert share > 0.01, f"{name}: screenshot nearly blank ({share:.4f} of pixels inked)"
pages = len(re.findall(rb"/Type\s*/Page[^s]", open(pdf, "rb").read()))
# Seven to thirty A4 pages: the nine sections, the 27 verification cases, the charts.
assert 5 <= pages <= 30, f"{name}: {pages} PDF pages"
print(f"{name}: {share:.3f} of the screenshot inked, {pages} PDF pages")
PY
done
echo "report_browser: ok"
