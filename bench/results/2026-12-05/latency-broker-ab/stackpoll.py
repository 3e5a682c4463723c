#!/usr/bin/env python3
# Every 5 ms for SECONDS: for each thread of the benchmark JVM named AsyncOperation* (checkpoint writing), its
# scheduler state (R running/runnable, S sleeping, D uninterruptible, usually I/O) and, when not running, the top
# frames of its kernel stack (/proc/<pid>/task/<tid>/stack, root only). Prints a line when a thread's (state, frames)
# changes, so a stall shows as one line with its start time and the next line's time as its end.
# Usage: stackpoll.py PID SECONDS > log
import os, sys, time
pid, secs = sys.argv[1], float(sys.argv[2])
last = {}
end = time.time() + secs
def frames(t):
    try:
        lines = open(f'/proc/{pid}/task/{t}/stack').read().split('\n')
    except OSError:
        return '?'
    names = [l.split('] ', 1)[1].split('+')[0] for l in lines if '] ' in l]
    return '<'.join(names[:6])
while time.time() < end:
    try:
        tids = os.listdir(f'/proc/{pid}/task')
    except FileNotFoundError:
        break
    now = time.time()
    stamp = time.strftime('%H:%M:%S', time.localtime(now)) + f'.{int(now * 1000) % 1000:03d}'
    for t in tids:
        try:
            name = open(f'/proc/{pid}/task/{t}/comm').read().strip()
            if not name.startswith('AsyncOperation'):
                continue
            stat = open(f'/proc/{pid}/task/{t}/stat').read()
            state = stat[stat.rindex(')') + 2]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        what = state if state == 'R' else state + ' ' + frames(t)
        if last.get(t) != what:
            print(f'{stamp} {t} {what}', flush=True)
            last[t] = what
    time.sleep(0.005)
