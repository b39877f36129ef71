#!/usr/bin/env bash
# Prints the URI of a Debian archive this host's apt uses (never a hard-coded mirror):
#   apt-mirror.sh            the main archive (entries that are not the security archive)
#   apt-mirror.sh security   the security archive (entries whose suite ends in -security)
#   apt-mirror.sh updates    the archive of the -updates suite (usually the main one)
set -euo pipefail
kind=${1:-main}
case $kind in
  main) want='' ;;
  security) want='-security' ;;
  updates) want='-updates' ;;
  *) echo "usage: $0 [main|security|updates]" >&2; exit 2 ;;
esac
{
  # deb822 sources: "URIs:" lines of the entries whose Suites fit (main: not the security archive).
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -r "$file" ] || continue
    awk -v want="$want" 'BEGIN{RS=""; FS="\n"} /Types:[^\n]*deb/ {
           suites = ""; uri = ""
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^Suites:/) suites = $i
             if ($i ~ /^URIs:/) { line = $i; sub(/^URIs:[ \t]*/, "", line); split(line, u, " "); uri = u[1] }
           }
           if (uri == "") next
           if (want == "" && $0 !~ /-security/) print uri
           if (want != "" && index(suites, want)) print uri
         }' "$file"
  done
  # one-line sources: "deb [options] URI SUITE COMPONENT..."
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$file" ] || continue
    awk -v want="$want" '$1 == "deb" {
           for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) break
           if (i > NF) next
           if (want == "" && $0 !~ /-security/) print $i
           if (want != "" && index($(i + 1), want)) print $i
         }' "$file"
  done
} | head -n 1 | grep . || {
  echo "no Debian ${want:+$kind }archive found in the apt configuration" >&2
  exit 1
}
