#!/usr/bin/env bash
# Renders the team lead's HTML seat report of a demo center in headless Chromium and saves a
# screenshot to look at: the page must read well with Chinese names and need no network.
# Needs Debian's chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/callops-report-check}
mkdir -p "$out"
swift build -c release --product callops >/dev/null
bin=$(swift build -c release --show-bin-path)/callops
"$bin" demo --db "$out/demo.sqlite" --agents 24 --leads 4000 --days 20 >/dev/null
"$bin" seats report --db "$out/demo.sqlite" --format html --out "$out/seats.html"
if grep -qE 'src="http|href="http' "$out/seats.html"; then
    echo "the page loads something from the network" >&2
    exit 1
fi
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2400 \
    --screenshot="$out/seats.png" "file://$out/seats.html" 2>/dev/null
echo "screenshot: $out/seats.png"
