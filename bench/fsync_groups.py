# The spool's disk pattern without the app: N groups of 3,000 bytes, each pwrite + fdatasync, into a growing file and
# into a file written ahead in zeros (what Spool.PREALLOCATE_BYTES does), two rounds alternating; prints the latency
# percentiles of each. Usage: python3 bench/fsync_groups.py DIR [N]   (DIR on the disk the data dir lives on)
import os, time, sys
d = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rec = b"x" * 3000  # one group of ~10 events
def run(prealloc):
    path = os.path.join(d, "seg-%s" % prealloc)
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
    if prealloc:
        size = len(rec) * n
        os.write(fd, b"\0" * size); os.fsync(fd)
    lat = []
    off = 0
    for i in range(n):
        t = time.perf_counter()
        os.pwrite(fd, rec, off); off += len(rec)
        os.fdatasync(fd)
        lat.append((time.perf_counter() - t) * 1000)
    os.close(fd); os.unlink(path)
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    return "p50 %.2f p99 %.2f p99.9 %.2f max %.2f ms" % (p(.5), p(.99), p(.999), lat[-1])
for r in range(2):
    for pre in (False, True):
        print("preallocated" if pre else "growing     ", run(pre), flush=True)
