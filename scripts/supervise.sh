# Sourced by run.sh: starts its processes and keeps them running, the way an OTP supervisor keeps
# its children (one_for_one): a silo or gateway that dies is started again by itself, the others
# untouched, after a backoff; one that keeps dying is given up on, loudly, and the rest keep serving.
#
# run.sh defines, before calling supervise:
#   processes       the names (silo-0, gateway-0, ...)
#   launch NAME     starts NAME in the background, output appended to its log; sets launched (its pid)
#   log_of NAME     its log file;  ready_url_of NAME: the URL that answers 200 once it serves
#   all_ready, print_urls   the banner once every gateway is ready
#   max_restarts, restart_window   the restart intensity: at most N restarts within S seconds
#
# Why polling (every 0.2 s) and not `wait -n`: a pending restart is a timer, and waiting on a timer
# and on children at once needs more machinery than a short loop; a death is noticed within 0.2 s.
# The loop waits with bash's own `read -t` on a pipe nobody writes, not with `sleep`: five
# processes a second made this script 0.9 % of a core, as much as an idle gateway. A signal only
# asks for the stop, which the loop makes at its next step: bash times `read -t` out by jumping
# back into it, which would cut short a stop run inside the read (its wait for the children).
# Every message goes to stderr with the time, prefixed "run.sh:", so that it stands out among the
# URLs, and each restart writes a marker line into the process's log before its new output.
# bash itself reports a child killed by a signal ("line 93: 1234 Killed  dotnet ...") on its
# stderr at an unpredictable point; the loop's own stderr therefore goes to $logs/run.sh.log
# (that notice and any error of the script's) and the messages above to the saved stderr, fd 3.

stop_wanted=false # set by Ctrl-C or SIGTERM; the loop below stops everything at its next step
backoff_cap=30 # seconds: the doubling backoff (1 s, 2 s, 4 s, ...) stops growing here

declare -A pid_of=()          # name -> pid of its running process
declare -A state_of=()        # name -> running | waiting (a restart is due) | given-up
declare -A restarts_of=()     # name -> times (epoch seconds) of its restarts, space-separated
declare -A restart_due=()     # name -> when (epoch ms) a waiting process is started again
declare -A died_at=()         # name -> when (epoch ms) it last died, until it is ready again
declare -A probed_at=()       # name -> when (epoch ms) its readiness was last asked (once a second:
                              # a silo logs each failed probe while it starts)

say() { echo "run.sh: $(date -u +%H:%M:%S.%3N) $*" >&3; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Ctrl-C or SIGTERM: stop every process (SIGTERM: silos hand their grains over, gateways close
# their sockets with 1001) and wait for them all. Nothing is restarted from here on: the loop
# stops between two of its steps and exits, so it never looks at the dead again.
stop_all() { # exit status
    trap - INT TERM EXIT
    say "stopping…"
    local pid
    # Every running child, including one started just before the signal came (jobs -p knows it
    # even if pid_of does not yet).
    for pid in "${pid_of[@]}" $(jobs -p); do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if (($1 == 0)); then say "stopped"; else say "stopped (status $1; see $logs/run.sh.log)"; fi
    exit "$1"
}

# How a process ended, in words: bash reports a death by signal N as status 128+N.
describe_exit() { # status
    if (($1 > 128)); then
        echo "killed by SIG$(kill -l $(($1 - 128)) 2>/dev/null || echo "$(($1 - 128))")"
    else
        echo "exit code $1"
    fi
}

start_process() { # name why: appends a marker line to its log and starts it
    local name="$1" log
    log="$(log_of "$name")"
    echo "===== run.sh: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ) $2 =====" >>"$log"
    launch "$name"
    pid_of[$name]=$launched
    state_of[$name]=running
}

# A death: schedule the restart after the backoff, or give up if it restarted too often lately.
on_death() { # name pid status
    local name="$1" pid="$2" status="$3" now recent=() t
    now=$(date +%s)
    for t in ${restarts_of[$name]:-}; do
        ((now - t < restart_window)) && recent+=("$t")
    done
    restarts_of[$name]="${recent[*]}"
    died_at[$name]=$(now_ms)
    local how
    how="$(describe_exit "$status")"
    if ((${#recent[@]} >= max_restarts)); then
        state_of[$name]=given-up
        unset "pid_of[$name]"
        say "GIVING UP on $name: it died ($how) after ${#recent[@]} restarts within ${restart_window} s; not restarting it. See $(log_of "$name")"
        local alive=() other
        for other in "${processes[@]}"; do [[ ${state_of[$other]} == given-up ]] || alive+=("$other"); done
        if ((${#alive[@]} > 0)); then
            say "still serving: ${alive[*]}"
        fi
        return
    fi
    local delay=$((1 << ${#recent[@]}))
    ((delay <= backoff_cap)) || delay=$backoff_cap
    restarts_of[$name]="${recent[*]} $now"
    restart_due[$name]=$(($(now_ms) + delay * 1000))
    state_of[$name]=waiting
    unset "pid_of[$name]"
    say "$name (pid $pid) died ($how); restarting it in $delay s (restart $((${#recent[@]} + 1)) of at most $max_restarts within ${restart_window} s)"
}

supervise() {
    exec 3>&2
    # Ctrl-C and SIGTERM stop everything with status 0; any other way out (an error in here,
    # giving up on every process) stops what is left and keeps its own status.
    trap 'stop_wanted=true' INT TERM
    trap 'stop_all $?' EXIT
    local name
    for name in "${processes[@]}"; do
        : >"$(log_of "$name")" # a fresh log per run; restarts append to it
        start_process "$name" "run.sh started $name"
        say "$name started (pid ${pid_of[$name]})"
    done
    exec {pause_fd}<> <(:) # a pipe held open at both ends and never written: read -t waits out its time
    watch_over 2>>"$logs/run.sh.log"
}

# Every 0.2 s: notice deaths, start what is due, say who is back, and print the URLs once ready.
watch_over() {
    local name pid status announced=false warned=false
    while true; do
        [[ $stop_wanted == true ]] && stop_all 0
        for name in "${processes[@]}"; do
            case "${state_of[$name]}" in
                running)
                    if ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
                        # bash has reaped it already and keeps its status for this wait.
                        pid=${pid_of[$name]}
                        wait "$pid" && status=0 || status=$?
                        on_death "$name" "$pid" "$status"
                    elif [[ -n "${died_at[$name]:-}" ]] && (($(now_ms) - ${probed_at[$name]:-0} >= 1000)); then
                        probed_at[$name]=$(now_ms)
                        if curl -fsS --max-time 1 "$(ready_url_of "$name")" >/dev/null 2>&1; then
                            local ms=$(($(now_ms) - died_at[$name]))
                            say "$name is back (pid ${pid_of[$name]}): ready $((ms / 1000)).$(((ms % 1000) / 100)) s after it died"
                            unset "died_at[$name]"
                        fi
                    fi
                    ;;
                waiting)
                    if (($(now_ms) >= restart_due[$name])); then
                        start_process "$name" "run.sh restarted $name after it died"
                        say "$name restarted (pid ${pid_of[$name]})"
                    fi
                    ;;
            esac
        done

        local left=0
        for name in "${processes[@]}"; do [[ ${state_of[$name]} == given-up ]] || left=$((left + 1)); done
        if ((left == 0)); then
            say "GAVE UP on every process; nothing is left to serve. See $logs/"
            exit 1
        fi

        if [[ $announced == false ]] && (($(now_ms) - ${probed_at[all]:-0} >= 500)); then
            probed_at[all]=$(now_ms)
            if all_ready; then
                print_urls
                announced=true
            elif [[ $warned == false ]] && (($(date +%s%N) - started > 60 * 1000000000)); then
                say "not ready after 60 s; still waiting (see $logs/)"
                warned=true
            fi
        fi
        read -rt 0.2 -u "$pause_fd" || true
    done
}
