import os, sys, time
# Appends RATE MB/s to a log file in 64 KB writes for SECONDS, never fsyncing (as a broker writes its segments).
d, rate, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
os.makedirs(d, exist_ok=True)
buf = os.urandom(65536)
fd = os.open(os.path.join(d, 'segment'), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
per = 65536 / (rate * 1e6)
end = time.time() + secs
n = 0
t0 = time.time()
while time.time() < end:
    os.write(fd, buf); n += 1
    ahead = t0 + n * per - time.time()
    if ahead > 0: time.sleep(ahead)
print(f'streamer wrote {n*65536/1e6:.0f} MB')
