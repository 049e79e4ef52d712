# Shared by the bench scripts (sourced, not run): a work folder cleaned up on exit, the benchmark
# queries as request paths, and the wrk script that requests the lines of a file in random order.

# Makes a temporary folder `$work`; on exit, stops the server whose pid is in `$server` (if any)
# and removes the folder.
work_folder() {
  work="$(mktemp -d)"
  server=""
  trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
}

# Writes the benchmark queries of the shared peer bench as request paths, one a line:
#   query_paths QUERIES_JSONL PREFIX > FILE     (PREFIX: /search?q= or /api/v1/search?q=)
query_paths() {
  python3 - "$1" "$2" <<'PY'
import json, sys, urllib.parse
for line in open(sys.argv[1]):
    print(sys.argv[2] + urllib.parse.quote_plus(json.loads(line)["text"]))
PY
}

# Writes the wrk script that requests the paths of the file given as its argument at random:
#   paths_lua > FILE; wrk -s FILE URL -- PATHS
paths_lua() {
  cat <<'LUA'
-- Requests the paths of the file PATHS in a random order.
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
LUA
}
