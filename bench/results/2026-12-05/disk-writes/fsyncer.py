# A file of 100 B appended and fsynced every PERIOD s for SECONDS (a broker metadata log); prints fsync times. Usage: python3 fsyncer.py DIR PERIOD SECONDS
import os, sys, time
# Appends 100 bytes to a file and fsyncs it every PERIOD seconds for SECONDS (as a broker's metadata log does); prints fsync times.
d, period, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
os.makedirs(d, exist_ok=True)
fd = os.open(os.path.join(d, 'log'), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
t = []
end = time.time() + secs
while time.time() < end:
    os.write(fd, b'x' * 100)
    t0 = time.perf_counter(); os.fsync(fd); t.append((time.perf_counter() - t0) * 1000)
    time.sleep(period)
t.sort()
print(f'fsync n={len(t)} p50={t[len(t)//2]:.1f} p99={t[int(len(t)*.99)]:.1f} max={t[-1]:.1f}')
