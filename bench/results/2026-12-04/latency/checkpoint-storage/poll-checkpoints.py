#!/usr/bin/env python3
# Polls the REST API of every local Flink cluster of the running benchmark JVM (ports found with `ss -ltnp`) for
# SECONDS and prints, for each newly completed checkpoint, its end-to-end duration and per task: sync, async,
# alignment, start delay, acknowledged after, state size. Usage: python3 poll-checkpoints.py SECONDS > log
import json, subprocess, sys, time, urllib.request, re
# Polls every local Flink REST endpoint of the benchmark JVM; prints per-vertex checkpoint breakdown of new checkpoints.
seen=set()
def ports():
    out=subprocess.run(['ss','-ltnp'],capture_output=True,text=True).stdout
    ps=set()
    for line in out.splitlines():
        if 'java' in line and '127.0.0.1' in line:
            m=re.search(r'127\.0\.0\.1\]?:(\d+)',line)
            if m: ps.add(int(m.group(1)))
    return ps
def get(p,path):
    with urllib.request.urlopen(f'http://127.0.0.1:{p}{path}',timeout=0.5) as r: return json.load(r)
end=time.time()+float(sys.argv[1])
while time.time()<end:
    for p in ports():
        try: jobs=get(p,'/jobs/overview')['jobs']
        except Exception as e:
            continue
        for j in jobs:
            if j['state']!='RUNNING': continue
            jid=j['jid']
            try: c=get(p,f'/jobs/{jid}/checkpoints')
            except Exception as e:
                print('ERR ckpts',e,file=sys.stderr); continue
            for h in c.get('history',[]):
                if h['status']!='COMPLETED' or (jid,h['id']) in seen: continue
                seen.add((jid,h['id']))
                try: d=get(p,f'/jobs/{jid}/checkpoints/details/{h["id"]}')
                except Exception as e:
                    print('ERR det',e,file=sys.stderr); continue
                parts=[]
                for vid,t in d['tasks'].items():
                    try:
                        s=get(p,f'/jobs/{jid}/checkpoints/details/{h["id"]}/subtasks/{vid}')
                        m=s['summary']
                        parts.append(f"{vid[:4]} sync={m['checkpoint_duration']['sync']['min']} async={m['checkpoint_duration']['async']['min']} align={m['alignment']['duration']['min']} start={m['start_delay']['min']} ack={m['end_to_end_duration']['min']} size={m['state_size']['min']//1000}k")
                    except Exception as e: parts.append('?'+repr(e)[:80])
                print(time.strftime('%H:%M:%S'), j['name'][:50], h['id'], 'e2e', h['end_to_end_duration'], '|', ' || '.join(parts), flush=True)
    time.sleep(0.3)
