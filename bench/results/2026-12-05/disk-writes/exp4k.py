# write-files.py with 4 KB writes (Flink's default checkpoint write buffer). Usage: python3 exp4k.py DIR delete|keep SECONDS
import os, sys, time, statistics
d, delete, secs = sys.argv[1], sys.argv[2] == 'delete', float(sys.argv[3])
os.makedirs(d, exist_ok=True)
buf = os.urandom(11 * 1024 * 1024)
times, files, i = [], [], 0
end = time.time() + secs
while time.time() < end:
    t0 = time.perf_counter()
    p = os.path.join(d, f'f{i}')
    with open(p, 'wb', buffering=0) as f:
        for off in range(0, len(buf), 4096):
            f.write(buf[off:off + 4096])
    times.append((time.perf_counter() - t0) * 1000)
    files.append(p); i += 1
    if delete and len(files) > 2:
        os.remove(files.pop(0))
    time.sleep(max(0, 0.2 - (time.perf_counter() - t0)))
for p in files: os.remove(p)
if not delete:
    pass
times.sort()
q = lambda x: times[min(len(times) - 1, int(x * len(times)))]
print(f'{d} delete={delete} n={len(times)} p50={q(.5):.1f} p99={q(.99):.1f} max={times[-1]:.1f} over100={sum(t>100 for t in times)}')
