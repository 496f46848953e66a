# Shared by the guest scenarios (busybox sh): TAP output, and readers of
# what the kernel's own tools say (ethtool, /proc/interrupts, /proc/irq,
# sysfs), against which nettune's answers are checked.
export NETTUNE_STATE_DIR=/var/lib/nettune
export NETTUNE_PROFILE_PATH=/nettune/profiles
export NO_COLOR=1

T=0
FAILED=0
SCEN=${SCEN:-guest}

ok() { T=$((T + 1)); echo "ok $T - $SCEN: $1"; }
nok() { T=$((T + 1)); FAILED=$((FAILED + 1)); echo "not ok $T - $SCEN: $1"; }
# diag LINE...: comment lines under a failure
diag() { for l in "$@"; do printf '%s\n' "$l"; done | sed 's/^/#   /'; }
note() { echo "# $SCEN: $*"; }
skip() { echo "# SKIPPED: $SCEN: $*"; }
finish() { [ "$FAILED" -eq 0 ]; exit $?; }

# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1"; diag "got:  $2" "want: $3"; fi
}
# has DESC TEXT SUBSTRING
has() {
	case $2 in
	*"$3"*) ok "$1" ;;
	*) nok "$1"; diag "no \"$3\" in:" "$2" ;;
	esac
}
# hasnt DESC TEXT SUBSTRING
hasnt() {
	case $2 in
	*"$3"*) nok "$1"; diag "\"$3\" in:" "$2" ;;
	*) ok "$1" ;;
	esac
}

# run CMD...: sets $rc, $out (stdout) and $err (stderr)
run() {
	"$@" > /tmp/run.out 2> /tmp/run.err
	rc=$?
	out=$(cat /tmp/run.out)
	err=$(cat /tmp/run.err)
}

jqr() { jq -M -r "$@"; }

# The interface bound to driver $1.
iface_of() {
	for d in /sys/class/net/*; do
		drv=$(readlink "$d/device/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = "$1" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

# ring IFACE rx|tx cur|max, from ethtool -g
ring() {
	ethtool -g "$1" | awk -v k="$(echo "$2" | tr a-z A-Z):" -v w="$3" '
		/^Pre-set/ { s = "max" } /^Current/ { s = "cur" }
		$1 == k && s == w { print $2 }'
}
rings() { echo "rx $(ring "$1" rx cur) tx $(ring "$1" tx cur)"; }

# chan IFACE combined|rx|tx|other cur|max, from ethtool -l
chan() {
	ethtool -l "$1" | awk -v k="$2" -v w="$3" '
		/^Pre-set/ { s = "max" } /^Current/ { s = "cur" }
		tolower($1) == k ":" && s == w { print $2 }'
}

# "IRQ NAME" of each interrupt /proc/interrupts names after IFACE
proc_irqs() {
	awk -v i="$1" '$NF == i || index($NF, i "-") == 1 {
		sub(":", "", $1); print $1, $NF }' /proc/interrupts | sort -n
}
# IRQ number of the interrupt named $1 in /proc/interrupts
irq_named() { awk -v n="$1" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts; }
aff() { cat "/proc/irq/$1/smp_affinity_list"; }

# CPU list of a hex mask as sysfs writes it ("c" -> "2-3" is not needed:
# one CPU per bit, comma separated).
mask_cpus() {
	m=$(echo "$1" | tr -d ',')
	v=$((0x$m)) c=0 l=""
	while [ "$v" -gt 0 ]; do
		[ $((v & 1)) -eq 1 ] && l="$l${l:+,}$c"
		v=$((v >> 1)) c=$((c + 1))
	done
	echo "$l"
}

# Expand a CPU list ("0-2,5") into one CPU per line.
cpus_of() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		seq "$a" "${b:-$a}"
	done
}
# in_list CPU LIST: is CPU in LIST?
in_list() { cpus_of "$2" | grep -qx "$1"; }

# show_json IFACE FILTER: jq FILTER on that interface in nettune show --json
show_iface() {
	nettune show --json | jqr --arg i "$1" ".interfaces[] | select(.name == \$i) | $2"
}

# Wait up to $2 seconds for $1 (a shell condition) to hold.
wait_for() {
	n=0
	while ! eval "$1"; do
		n=$((n + 1))
		[ "$n" -ge $(($2 * 5)) ] && return 1
		usleep 200000
	done
	return 0
}
