# mdlz.bash - bash completion for mdlz: flags, subcommands (index, tools,
# ablate, archive, explain, value, select) and their commands, and file names by what they take
# (.mdlz to decompress, test or list; .mdlza archives; .db indexes; .so
# plugins). Installed as bash-completion/completions/mdlz by meson install.
# Self-contained (bash's compgen only; bash-completion is not needed):
#
#   source completion/mdlz.bash    # then: mdlz --to<TAB>
#
# Kept in step with the help of the command: tests/man/check_completion.py
# fails when a flag of `mdlz -h` or of a subcommand's --help is not offered.

# _mdlz_files [PATTERN]: file names (only those matching the glob PATTERN,
# e.g. '*.mdlz') and directories, appended to COMPREPLY.
_mdlz_files() {
    local IFS=$'\n' f
    compopt -o filenames 2>/dev/null
    if [[ -n ${1-} ]]; then
        for f in $(compgen -f -X "!$1" -- "$cur"); do
            [[ -d $f ]] || COMPREPLY+=("$f")
        done
        COMPREPLY+=($(compgen -d -- "$cur"))
    else
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
}

# _mdlz_words WORDS: the words of WORDS that start with $cur.
_mdlz_words() {
    local IFS=$' \t\n'
    COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

# _mdlz_value: completes the value of an option written "--name=value"
# (cur holds all of it); returns 1 when cur is not such an option. Bash
# breaks words at '=' (COMP_WORDBREAKS), so the replies are the value
# alone; when the option came as one word (glued), with "--name=" before.
_mdlz_value() {
    [[ $cur == --*=* ]] || return 1
    local name=${cur%%=*} val=${cur#*=} w
    local cur=$val # the helpers below complete the value
    case $name in
    --retrieval) _mdlz_words "none whole online both" ;;
    --format)
        case ${words[1]-} in
        explain) _mdlz_words "html json" ;;
        *) _mdlz_words "table csv json" ;;
        esac ;;
    --auto) _mdlz_words "size" ;;
    --tools)
        # names separated by commas: complete the last one
        local head="" last=${val##*,}
        [[ $val == *,* ]] && head=${val%,*},
        for w in $(compgen -W "none all calc seq markup" -- "$last"); do
            COMPREPLY+=("$head$w")
        done ;;
    --index) _mdlz_files '*.db' ;;
    --tool | --load) _mdlz_files '*.so' ;;
    --plot) _mdlz_files '*.svg' ;;
    esac # other values (sizes, numbers): nothing to offer
    if [[ -n $glued && ${#COMPREPLY[@]} -gt 0 ]]; then
        COMPREPLY=("${COMPREPLY[@]/#/$name=}")
    fi
    return 0
}

# An option's value (_mdlz_value) or, for a word starting with "-", one of
# OPTS (no space after "--name="); returns 1 for any other word.
_mdlz_option() {
    _mdlz_value && return
    [[ $cur == -* ]] || return 1
    _mdlz_words "$1"
    [[ $cur == --*= ]] && compopt -o nospace 2>/dev/null
    return 0
}

_mdlz_main() {
    local opts="-z --compress -d --decompress --uncompress -t --test -l --list
        -c --stdout -o -f --force -r --recursive -k --keep --rm
        -1 -2 -3 -4 -5 -6 -7 -8 -9 -R --index= --retrieval= --tools= --tool=
        --auto --auto= --amortize= --memory= -T --threads= --segment-log=
        -q --quiet -v --verbose --json -h --help -V --version"
    case $prev in
    -o) _mdlz_files; return ;;
    -R | --index) _mdlz_files '*.db'; return ;;
    --tool) _mdlz_files '*.so'; return ;;
    --memory | --amortize | -T | --threads | --segment-log) return ;;
    esac
    _mdlz_value && return
    if [[ $cur == -* ]]; then
        _mdlz_words "$opts"
        [[ $cur == --*= ]] || return
        compopt -o nospace 2>/dev/null
        return
    fi
    if ((cword == 1)); then _mdlz_words "index tools ablate archive explain value select"; fi
    # what decoding reads: .mdlz files
    local w
    for w in "${words[@]:1:cword-1}"; do
        case $w in
        --decompress | --uncompress | --test | --list | --json) _mdlz_files '*.mdlz'; return ;;
        --*) ;;
        -*[dtl]*) _mdlz_files '*.mdlz'; return ;;
        esac
    done
    _mdlz_files
}

_mdlz_index() {
    local opts="--force --keep --max-size= --timeout= -n --limit= --or
        --json -q --quiet -h --help"
    case $prev in
    -n | --limit | --max-size | --timeout) return ;;
    esac
    _mdlz_value && return
    if [[ $cur == -* ]]; then _mdlz_words "$opts"; return; fi
    # the words after "index" that are not options: COMMAND INDEX ARGS...
    local args=() i
    for ((i = 2; i < cword; i++)); do
        case ${words[i]} in
        -n) ((i++)) ;;
        -*) ;;
        *) args+=("${words[i]}") ;;
        esac
    done
    case ${#args[@]} in
    0) _mdlz_words "add ls rm stats search gc check vacuum" ;;
    1) _mdlz_files '*.db' ;;
    *) case ${args[0]} in
       add) _mdlz_files ;;
       gc) _mdlz_files '*.mdlz' ;; # the streams of --keep
       esac ;;
    esac
}

_mdlz_archive() {
    local opts="-C -O --to-stdout -f --force -1 -2 -3 -4 -5 -6 -7 -8 -9
        --group-size= --depth= --fan-in= --prime= --memory= -T --threads=
        -q --quiet -v --verbose --json -h --help"
    case $prev in
    -C) compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -d -- "$cur")); return ;;
    -T | --threads) return ;;
    esac
    _mdlz_value && return
    if [[ $cur == -* ]]; then _mdlz_words "$opts"; return; fi
    local args=() i
    for ((i = 2; i < cword; i++)); do
        case ${words[i]} in
        -C | -T) ((i++)) ;;
        -*) ;;
        *) args+=("${words[i]}") ;;
        esac
    done
    case ${#args[@]} in
    0) _mdlz_words "create add rm list extract test" ;;
    1) _mdlz_files '*.mdlza' ;;
    *) [[ ${args[0]} == create || ${args[0]} == add ]] && _mdlz_files ;;
    esac
}

_mdlz_ablate() {
    local opts="-1 -2 -3 -4 -5 -6 -7 -8 -9 -R --index= --tools= --tool=
        --format= --plot= -q --quiet -h --help"
    case $prev in
    -R | --index) _mdlz_files '*.db'; return ;;
    --tool) _mdlz_files '*.so'; return ;;
    esac
    _mdlz_option "$opts" && return
    _mdlz_files
}

_mdlz_explain() {
    local opts="-1 -2 -3 -4 -5 -6 -7 -8 -9 -R --index= --retrieval= --tools=
        --tool= --format= -o -f --force --no-attribution -q --quiet -h --help"
    case $prev in
    -o) _mdlz_files; return ;;
    -R | --index) _mdlz_files '*.db'; return ;;
    --tool) _mdlz_files '*.so'; return ;;
    esac
    _mdlz_option "$opts" && return
    _mdlz_files
}

_mdlz_value_cmd() {
    local opts="-1 -2 -3 -4 -5 -6 -7 -8 -9 --heldout --format= --plot= -q
        --quiet -h --help"
    _mdlz_option "$opts" && return
    # KB.db, then after --heldout the held-out files and folders
    local w
    for w in "${words[@]:2:cword-2}"; do
        [[ $w == --heldout ]] && { _mdlz_files; return; }
    done
    _mdlz_files '*.db'
}

_mdlz_select() {
    local opts="-1 -2 -3 -4 -5 -6 -7 -8 -9 --budget= -o --index= --target
        -f --force -q --quiet -h --help"
    case $prev in
    -o) _mdlz_files; return ;;
    --index) _mdlz_files '*.db'; return ;;
    --budget) return ;;
    esac
    _mdlz_option "$opts" && return
    _mdlz_files
}

_mdlz_tools() {
    case $prev in
    --load) _mdlz_files '*.so'; return ;;
    esac
    _mdlz_value && return
    if [[ $cur == -* ]]; then _mdlz_words "--json --load -h --help"; fi
}

# The completion function: COMP_WORDS/COMP_CWORD as bash sets them.
_mdlz() {
    local cur prev words cword glued=""
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${words[cword]-}
    prev=${words[cword - 1]-}
    COMPREPLY=()
    # bash splits "--index=KB" into "--index", "=", "KB" (= is a word
    # break): put the option back together.
    if [[ $cur == = ]]; then
        cur="$prev="
        prev=${words[cword - 2]-}
    elif [[ $prev == = ]]; then
        cur="${words[cword - 2]}=$cur"
        prev=${words[cword - 3]-}
    elif [[ $cur == --*=* ]]; then
        glued=1
    fi
    case ${words[1]-} in
    index) ((cword > 1)) && { _mdlz_index; return; } ;;
    archive) ((cword > 1)) && { _mdlz_archive; return; } ;;
    ablate) ((cword > 1)) && { _mdlz_ablate; return; } ;;
    tools) ((cword > 1)) && { _mdlz_tools; return; } ;;
    explain) ((cword > 1)) && { _mdlz_explain; return; } ;;
    value) ((cword > 1)) && { _mdlz_value_cmd; return; } ;;
    select) ((cword > 1)) && { _mdlz_select; return; } ;;
    esac
    _mdlz_main
}

complete -F _mdlz mdlz
