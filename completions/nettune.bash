# bash completion for nettune(8)                        -*- shell-script -*-

_nettune_ifaces()
{
	local d
	for d in /sys/class/net/*; do
		[ -e "$d" ] && printf '%s\n' "${d##*/}"
	done
}

_nettune()
{
	local cur prev words cword
	_init_completion || return

	local verbs="show snapshot"
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

	case $prev in
	--root|-r)
		_filedir -d
		return ;;
	--from|-f)
		_filedir json
		return ;;
	esac

	case $verb in
	show)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --root --from --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_nettune_ifaces)" -- "$cur"))
		fi ;;
	snapshot)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--root --no-driver-stats --json --help" -- "$cur"))
		elif [[ $prev == snapshot ]]; then
			COMPREPLY=($(compgen -W "save show" -- "$cur"))
		else
			_filedir json
		fi ;;
	esac
}
complete -F _nettune nettune
