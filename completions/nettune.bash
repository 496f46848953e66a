# bash completion for nettune(8)                        -*- shell-script -*-

_nettune_ifaces()
{
	local d
	for d in /sys/class/net/*; do
		[ -e "$d" ] && printf '%s\n' "${d##*/}"
	done
}

# Profile names: what 'nettune profile list' prints in its first column.
_nettune_profiles()
{
	nettune profile list 2>/dev/null | awk '/^[^ ]/ {print $1}'
}

_nettune_journals()
{
	nettune history --json 2>/dev/null | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p'
}

_nettune()
{
	local cur prev words cword
	_init_completion -n = || return

	local verbs="audit show snapshot recommend apply verify rollback history profile top drops"
	local verb="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) verb=${words[i]}; break ;;
		esac
	done

	if [[ -z $verb ]]; then
		COMPREPLY=($(compgen -W "$verbs --help --version" -- "$cur"))
		return
	fi

	# drops: -i is the interface there, not --interval
	if [[ $verb == drops ]]; then
		case $prev in
		-i|--interface)
			COMPREPLY=($(compgen -W "$(_nettune_ifaces)" -- "$cur"))
			return ;;
		--interval)
			COMPREPLY=($(compgen -W "1 5 10 60" -- "$cur"))
			return ;;
		--ready-fd)
			return ;;
		esac
	fi

	case $prev in
	--root|-r|--state-dir|--profile-dir)
		_filedir -d
		return ;;
	--from|-f|--output|-o)
		_filedir json
		return ;;
	--record|--replay)
		_filedir
		return ;;
	--delay|-d)
		COMPREPLY=($(compgen -W "0.5 1 2 5" -- "$cur"))
		return ;;
	--speed)
		COMPREPLY=($(compgen -W "0 1 2 10" -- "$cur"))
		return ;;
	--sort|-s)
		COMPREPLY=($(compgen -W "drops traffic name" -- "$cur"))
		return ;;
	--panes|-p)
		COMPREPLY=($(compgen -W "12345 1234 12 2 3 4 5" -- "$cur"))
		return ;;
	--iterations|-n)
		return ;;
	--iface)
		COMPREPLY=($(compgen -W "$(_nettune_ifaces)" -- "$cur"))
		return ;;
	--interval|-i)
		COMPREPLY=($(compgen -W "0 0.5 1 2 5 10" -- "$cur"))
		return ;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return ;;
	--irqbalance)
		COMPREPLY=($(compgen -W "skip ignore ban" -- "$cur"))
		return ;;
	esac
	case $cur in
	--color=*)
		COMPREPLY=($(compgen -W "auto always never" -- "${cur#*=}"))
		return ;;
	--irqbalance=*)
		COMPREPLY=($(compgen -W "skip ignore ban" -- "${cur#*=}"))
		return ;;
	esac

	local opts
	case $verb in
	audit)     opts="--interval --json --prometheus --from --root --color --no-drop-reasons --help" ;;
	show)      opts="--json --root --from --help" ;;
	snapshot)  opts="--root --no-driver-stats --json --help" ;;
	recommend) opts="--iface --output --json --profile-dir --help" ;;
	apply)     opts="--dry-run --yes --persist --irqbalance --iface --state-dir --profile-dir --help" ;;
	verify)    opts="--json --iface --state-dir --profile-dir --help" ;;
	rollback)  opts="--state-dir --help" ;;
	history)   opts="--json --state-dir --help" ;;
	profile)   opts="--profile-dir --help" ;;
	drops)     opts="--interface --interval --json --all-netns --ready-fd --help" ;;
	top)       opts="--delay --step --batch --iterations --json --record --replay --speed --root --sort --panes --expand --hide-idle --no-drop-reasons --help" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi

	case $verb in
	show)
		COMPREPLY=($(compgen -W "$(_nettune_ifaces)" -- "$cur")) ;;
	snapshot)
		if [[ $prev == snapshot ]]; then
			COMPREPLY=($(compgen -W "save show" -- "$cur"))
		else
			_filedir json
		fi ;;
	recommend|apply|verify)
		COMPREPLY=($(compgen -W "$(_nettune_profiles)" -- "$cur"))
		_filedir '@(conf|json)' ;;
	rollback)
		COMPREPLY=($(compgen -W "$(_nettune_journals)" -- "$cur")) ;;
	profile)
		if [[ $prev == profile ]]; then
			COMPREPLY=($(compgen -W "list show" -- "$cur"))
		elif [[ $prev == show ]]; then
			COMPREPLY=($(compgen -W "$(_nettune_profiles)" -- "$cur"))
		fi ;;
	esac
}
complete -F _nettune nettune
