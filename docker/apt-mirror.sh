#!/usr/bin/env bash
# Prints the Debian archive URI this host's apt uses (never a hard-coded mirror).
set -euo pipefail
{
  # deb822 sources: "URIs:" lines of entries whose suites are not the security archive.
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -r "$file" ] || continue
    awk 'BEGIN{RS=""; FS="\n"} /Types:[^\n]*deb/ && !/-security/ {
           for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, " "); print u[1] } }' "$file"
  done
  # one-line sources
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$file" ] || continue
    awk '$1 == "deb" && $0 !~ /-security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$file"
  done
} | head -n 1 | grep . || { echo "no Debian archive found in the apt configuration" >&2; exit 1; }
