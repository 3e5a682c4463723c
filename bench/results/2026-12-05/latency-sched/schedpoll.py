#!/usr/bin/env python3
# Every 50 ms for SECONDS: per thread of the benchmark JVM named AsyncOperation* (checkpoint writing), the CPU time it ran
# and the time it waited on a run queue since the last sample (schedstat fields 1 and 2), and the machine's steal time
# (/proc/stat). Prints one line per sample where an async thread ran or waited. Usage: schedpoll.py PID SECONDS > log
import os, sys, time
pid, secs = sys.argv[1], float(sys.argv[2])
def steal():
    f = open('/proc/stat').readline().split()
    return int(f[8])
last = {}
st0 = steal()
end = time.time() + secs
while time.time() < end:
    now = time.time()
    st = steal()
    out = []
    try:
        tids = os.listdir(f'/proc/{pid}/task')
    except FileNotFoundError:
        break
    for t in tids:
        try:
            name = open(f'/proc/{pid}/task/{t}/comm').read().strip()
            if not name.startswith('AsyncOperation'):
                continue
            run, wait, _ = map(int, open(f'/proc/{pid}/task/{t}/schedstat').read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if t in last:
            dr, dw = (run - last[t][0]) / 1e6, (wait - last[t][1]) / 1e6
            if dr > 0 or dw > 0:
                out.append(f'{t}:run={dr:.1f}ms,wait={dw:.1f}ms')
        last[t] = (run, wait)
    if out:
        print(time.strftime('%H:%M:%S', time.localtime(now)) + f'.{int(now*1000)%1000:03d}', f'steal={(st-st0)*10}ms', ' '.join(out), flush=True)
    st0 = st
    time.sleep(0.05)
