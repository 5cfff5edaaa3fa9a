#!/usr/bin/env bash
# Re-records the README's demo from the real binary (not part of CI):
#   assets/record-demo.sh            -> assets/demo.cast, assets/demo.svg, assets/screenshot.svg
# tmux plays the keys into the real TUI on a throwaway in-memory engine while asciinema
# records the terminal; svg-term renders the animated SVG that GitHub shows in the README.
# Tools come from PyPI (asciinema) and npm (svg-term-cli), installed under target/demo-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/demo-tools
bin=${BIN:-$(realpath "${CARGO_TARGET_DIR:-target}")/release/dynamo-explorer}
[ -n "${BIN:-}" ] || cargo build --release
[ -x "$tools/venv/bin/asciinema" ] || { python3 -m venv "$tools/venv"; "$tools/venv/bin/pip" install --quiet asciinema; }
[ -x "$tools/node_modules/.bin/svg-term" ] || (cd "$tools" && npm install --silent --no-audit --no-fund svg-term-cli)
command -v tmux >/dev/null || { echo "tmux is needed (apt-get install tmux)" >&2; exit 1; }

cols=120 rows=36 session=dx-demo-$$
cast=assets/demo.cast
tmux kill-session -t "$session" 2>/dev/null || true
# An empty log file keeps the demo from touching the user's state directory.
tmux new-session -d -s "$session" -x "$cols" -y "$rows" \
    "$tools/venv/bin/asciinema rec --quiet --overwrite --cols $cols --rows $rows \
     -c '$bin --memory --log-file target/demo-tools/demo.log' $cast"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT

key() { tmux send-keys -t "$session" "$@"; }
pause() { sleep "${1:-1}"; }
screen() { tmux capture-pane -p -t "$session"; }
wait_for() { # wait until the screen shows $1 (up to 20 s)
    for _ in $(seq 200); do screen | grep -q -- "$1" && return 0; sleep 0.1; done
    echo "demo: never saw '$1' on screen:" >&2; screen >&2; exit 1
}

wait_for "Requests"; pause 1.5
# Generate: 3 requests x 10,000 records (long enough to see the progress gauge).
key g; pause 1
key BSpace 3 Tab; pause 0.5
key BSpace BSpace 1 0 0 0 0; pause 1
key Enter; wait_for "wrote "; pause 2
# Read one back, eventually consistent, then strongly consistent: twice the RCU.
key Enter; pause 2.5
key c; pause 1; key r; pause 2.5
# Select two records and delete them; the confirmation says what it will cost.
key j; key Space; key j; key j; key Space; pause 1.5
key d; pause 2; key y; pause 2.5
# The operations log: what each operation did and cost.
key Tab; pause 1; key k; pause 1.5
# The screenshot: this frame, with its colours.
shot=$tools/screenshot.txt
tmux capture-pane -p -e -t "$session" > "$shot"
pause 1
key '?'; pause 2.5; key Escape; pause 1
key q; pause 1.5

"$tools/node_modules/.bin/svg-term" --in "$cast" --out assets/demo.svg --window --width "$cols" --height "$rows"
# The static screenshot: the frame captured above, as a one-frame cast.
"$tools/venv/bin/python" - "$shot" "$tools/screenshot.cast" "$cols" "$rows" <<'PY'
import json, sys
src, out, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
screen = open(src, encoding="utf-8").read().rstrip("\n").split("\n")
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps({"version": 2, "width": cols, "height": rows}) + "\n")
    f.write(json.dumps([0.0, "o", "\r\n".join(screen)]) + "\n")
    f.write(json.dumps([1.0, "o", ""]) + "\n")
PY
"$tools/node_modules/.bin/svg-term" --in "$tools/screenshot.cast" --out assets/screenshot.svg --window --width "$cols" --height "$rows" --at 999
echo "wrote $cast, assets/demo.svg, assets/screenshot.svg"
