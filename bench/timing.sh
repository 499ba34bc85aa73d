# Sourced by the benchmark scripts: wall-clock timing of one reader, and the median of $runs runs of it.

seconds_of() { # wall seconds of a command, output discarded
  local start end
  start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median_seconds_of() { # median wall seconds of $runs runs
  local i times=()
  for ((i = 0; i < runs; i++)); do times+=("$(seconds_of "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)]}'
}
