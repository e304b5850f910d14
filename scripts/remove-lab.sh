# Sourced by the benchmark scripts: removes every Docker object labelled for one lab
# (containers with their anonymous volumes, then its networks and volumes), and nothing else.
remove_lab() {
	local filter="label=io.sqlcourse.lab=$1" kind
	docker ps -aq --filter "$filter" | xargs -r docker rm -fv >/dev/null 2>&1 || true
	for kind in network volume; do
		docker "$kind" ls -q --filter "$filter" | xargs -r docker "$kind" rm >/dev/null 2>&1 || true
	done
}
